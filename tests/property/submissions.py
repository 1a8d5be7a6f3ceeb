"""Valid submissions of the forms, shared by the form and the view properties, which change
them a little to reach the checks that span fields and the saving behind them."""

from venues.models import VenueKind
from venues.roles import VILLAGE_STAFF
from venues.validators import credit_code_check_char, id_number_check_char

NEW_PASSWORD = "Shuanghe-2026"
STAFF_PASSWORD = "Qinggang-2026!"
SUBMISSION_ID = "6f1c1d52-8f0e-4c55-9d44-3c1b0f6a2b10"
CREDIT_CODE = "92500156MA6ABCDE1" + credit_code_check_char("92500156MA6ABCDE1")
ID_NUMBER = "50023219800101123" + id_number_check_char("50023219800101123")


def venue_step(world):
    tree = world["tree"]
    return {"name": "双河便民副食店", "kind": "shopping", "village": str(tree["qinggang"].pk),
            "grid": str(tree["qinggang-1"].pk), "address": "双河镇青杠村3组12号", "floors": "1",
            "floor_area": "85"}


def staff_account(world):
    return {"username": "zhangmin", "full_name": "张敏", "mobile": "139 0000 4444", "role": VILLAGE_STAFF,
            "office": "", "areas": [str(world["tree"]["qinggang"].pk)], "password1": STAFF_PASSWORD,
            "password2": STAFF_PASSWORD}


def census_record(world):
    return {"submission_id": SUBMISSION_ID, "name": "青杠小面馆",
            "kind": str(VenueKind.objects.get(slug="catering").pk),
            "area": str(world["tree"]["qinggang-1"].pk), "address": "青杠村老街8号", "seats": "40",
            "licence": "unlicensed", "credit_code": "", "no_code_reason": "正在办理营业执照",
            "operator_name": "李四", "operator_mobile": "+86 139-0000-2222",
            "operator_id_number": ID_NUMBER, "owner_mobile": ""}
