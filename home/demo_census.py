"""A demo census sheet (home/demo_assets/census-demo.xlsx) to try the census import on the demo
site: eleven venues in the demo villages with the headings a village might use, three rows with
mistakes to fix and one venue the demo register already holds. Everything is marked 示例.

Made once with build_demo_census_sheet() and kept in the repository:

    .venv/bin/python manage.py shell -c "from home.demo_census import save; save()"
"""

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from venues.validators import credit_code_check_char, id_number_check_char

from .demo import DEMO_VENUES

PATH = Path(__file__).parent / "demo_assets" / "census-demo.xlsx"

HEADERS = [
    "序号", "店名", "场所类型", "其他类型", "村（社区）", "网格", "经营地址", "证照情况",
    "统一社会信用代码", "无证原因", "建筑面积（㎡）", "楼层", "座位数", "床位数", "从业人数",
    "场所类别", "负责人", "联系电话", "身份证号", "备注",
]
QG, MG, SH = "青杠村（示例）", "木根村（示例）", "双河社区（示例）"
GRID1, GRID2 = "第一网格（示例）", "第二网格（示例）"


def _code(n):
    body = f"92500156MA6{n:06d}"
    return body + credit_code_check_char(body)


def _id_number(n):
    body = f"500232198001{n:02d}001"
    return body + id_number_check_char(body)


def _demo_duplicate():
    """The demo register's first approved licensed venue, as home.demo records it."""
    for number, (name, _kind, village, *_rest, licence, status, _reason) in enumerate(DEMO_VENUES, start=1):
        if licence == "licensed" and status == "approved":
            address = f"双河镇{village.replace('（示例）', '')}示例路{number}号"
            return name, village, address, _code(number)
    raise LookupError("the demo register has no approved licensed venue")


def _rows():
    dup_name, dup_village, dup_address, dup_code = _demo_duplicate()
    venue = dict.fromkeys(HEADERS, "")
    rows = [
        {"店名": "青杠粮油店（示例）", "场所类型": "购物场所", "村（社区）": QG, "网格": GRID1,
         "经营地址": "双河镇青杠村示例路21号", "证照情况": "有证", "统一社会信用代码": _code(21),
         "建筑面积（㎡）": 65, "楼层": "1", "负责人": "示例经营者21", "联系电话": 13900000021},
        {"店名": "青杠小面馆（示例）", "场所类型": "餐饮场所", "村（社区）": QG, "网格": GRID2,
         "经营地址": "双河镇青杠村示例路22号", "证照情况": "有证", "统一社会信用代码": _code(22),
         "座位数": 24, "负责人": "示例经营者22", "联系电话": "139 0000 0022"},
        {"店名": "木根竹林农家乐（示例）", "场所类型": "住宿场所", "其他类型": "餐饮场所", "村（社区）": MG,
         "网格": GRID1, "经营地址": "双河镇木根村示例路23号", "证照情况": "无证",
         "无证原因": "正在办理营业执照（示例）", "床位数": 12, "负责人": "示例经营者23",
         "联系电话": "13900000023", "身份证号": _id_number(1)},
        {"店名": "双河星空网吧（示例）", "场所类型": "公共娱乐场所", "村（社区）": SH, "网格": GRID1,
         "经营地址": "双河镇双河社区示例路24号", "证照情况": "有证", "统一社会信用代码": _code(24),
         "建筑面积（㎡）": 160, "楼层": "2", "负责人": "示例经营者24", "联系电话": "13900000024"},
        {"店名": "双河动感健身房（示例）", "场所类型": "休闲健身场所", "村（社区）": SH, "网格": GRID2,
         "经营地址": "双河镇双河社区示例路25号", "证照情况": "有证", "统一社会信用代码": _code(25),
         "建筑面积（㎡）": 180, "负责人": "示例经营者25", "联系电话": "13900000025"},
        {"店名": "双河社区卫生室（示例）", "场所类型": "医疗场所", "村（社区）": SH, "网格": GRID1,
         "经营地址": "双河镇双河社区示例路26号", "证照情况": "有证", "统一社会信用代码": _code(26),
         "场所类别": "村卫生室", "负责人": "示例经营者26", "联系电话": "13900000026"},
        {"店名": "木根竹编加工坊（示例）", "场所类型": "生产加工企业", "村（社区）": MG, "网格": GRID1,
         "经营地址": "双河镇木根村示例路27号", "证照情况": "临时建筑",
         "无证原因": "在临时建筑中经营（示例）", "从业人数": 8, "负责人": "示例经营者27",
         "联系电话": "13900000027", "身份证号": _id_number(2)},
        # Three rows with mistakes: the check character of the credit code, a digit missing
        # from the mobile, a village that does not exist.
        {"店名": "青杠烟花爆竹店（示例）", "场所类型": "易燃易爆危险品销售储存场所", "村（社区）": QG,
         "网格": GRID1, "经营地址": "双河镇青杠村示例路28号", "证照情况": "有证",
         "统一社会信用代码": _code(28)[:-1] + ("1" if _code(28).endswith("0") else "0"),
         "建筑面积（㎡）": 40, "负责人": "示例经营者28", "联系电话": "13900000028",
         "备注": "信用代码抄错了一位"},
        {"店名": "木根杂货铺（示例）", "场所类型": "购物场所", "村（社区）": MG, "网格": GRID1,
         "经营地址": "双河镇木根村示例路29号", "证照情况": "有证", "统一社会信用代码": _code(29),
         "建筑面积（㎡）": 50, "负责人": "示例经营者29", "联系电话": "1390000029",
         "备注": "手机号少了一位"},
        {"店名": "柏杨小卖部（示例）", "场所类型": "购物场所", "村（社区）": "柏杨村（示例）",
         "经营地址": "双河镇柏杨村示例路30号", "证照情况": "有证", "统一社会信用代码": _code(30),
         "建筑面积（㎡）": 30, "负责人": "示例经营者30", "联系电话": "13900000030",
         "备注": "没有这个村"},
        # Already in the demo register.
        {"店名": dup_name, "场所类型": "餐饮场所", "村（社区）": dup_village, "经营地址": dup_address,
         "证照情况": "有证", "统一社会信用代码": dup_code, "座位数": 60, "负责人": "示例经营者",
         "联系电话": "13800000004", "备注": "已经登记过"},
    ]
    return [{**venue, **row, "序号": n} for n, row in enumerate(rows, start=1)]


def build_demo_census_sheet():
    """The demo census sheet as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "九小场所普查表"
    sheet.append(["双河镇九小场所普查表（示例）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADERS)
    for row in _rows():
        sheet.append([row[heading] for heading in HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def save(path=PATH):
    path.write_bytes(build_demo_census_sheet())
    return path
