"""Realistic data at a chosen size, for benchmarks and for trying the back office at the scale
of a district or a city: an area tree of towns, villages and grids, owners and staff, venues of
all nine kinds in every registration status with their history, a year of self-checks with
their answers, hazards in every state with their history, and notices. ``manage.py
generate_data`` runs it (docs/performance.md).

- Deterministic: the same seed, size and ``today`` give the same rows (one random.Random, no
  clock); only the risk levels venues.schedule computes at the end read the real date.
- Marked: venue, town and notice names end with MARKER and accounts start with USER_PREFIX,
  so generated rows are never mistaken for a real register and ``flush`` removes exactly them.
- Fast: rows are written without model instances (``insert_rows``: COPY on PostgreSQL,
  executemany elsewhere), keeping the timestamps given, which bulk_create would overwrite for
  auto_now_add fields; self-checks, their answers and checklist versions are joined in by the
  database from one template per checklist (SelfCheckWriter). Every account shares one
  password hash. Patrols and acknowledgements of notices are not modelled yet, so none are
  made.
"""

import datetime
import itertools
import json
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation

from wagtail.models import Page, Site

from notices.models import NOTICES_PER_PAGE, NoticeIndexPage, NoticePage
from venues import name_search, schedule
from venues.checklists import checklist_for
from venues.models import (
    Answer,
    Area,
    AreaLevel,
    AuditEntry,
    EvidencePhoto,
    Hazard,
    HazardAction,
    HazardEvent,
    HazardSource,
    HazardStatus,
    LicenceSituation,
    Office,
    Reminder,
    SafetyRules,
    SelfCheck,
    SelfCheckAnswer,
    SelfCheckStatus,
    Severity,
    StaffProfile,
    User,
    Venue,
    VenueKind,
    VenueStatus,
    VenueStatusChange,
)
from venues.models.venues import PUBLIC_CODE_ALPHABET, PUBLIC_CODE_LENGTH
from venues.roles import TOWN_OFFICE, VILLAGE_STAFF
from venues.validators import CREDIT_CODE_CHARS, credit_code_check_char
from venues.workflows.selfchecks import GAS_GROUP

MARKER = "（生成）"
USER_PREFIX = "gen-"
OWNER_MOBILE_PREFIX = "170"  # generated owners' mobiles: 170 and eight digits
VILLAGES_PER_TOWN = 10
GRIDS_PER_VILLAGE = 4
VENUES_PER_TOWN = 5000  # the default number of towns follows the size
CHUNK = 2000  # venues planned and written at a time
NOTICES_PER_VENUES, MAX_NOTICES = 100, 500  # Wagtail pages are slow to make: a modest number
MIN_NOTICES = NOTICES_PER_PAGE  # a full notices list at every size, so that sizes compare

S, C, H = VenueStatus, SelfCheckStatus, HazardStatus

# --- Words the data is made of (invented) --------------------------------------------------

PLACE_FIRST = "青白石龙凤桃柳金银新长平安清和兴永双云松梅竹柏黄红马鹿鸭"
PLACE_SECOND = "山河坝溪桥湾岭塘坪口林庙江园沟湖"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国文斌"
SHOP_WORDS = ["兴旺", "顺发", "福来", "好运", "安康", "鑫源", "宏达", "吉祥", "恒丰", "家和", "老街", "便民"]
STREETS = ["正街", "老街", "新街", "河滨路", "建设路", "人民路", "兴隆路", "滨江路", "中心街", "场镇路"]
GRID_NAMES = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格"]
MAX_TOWNS = len(PLACE_FIRST) * len(PLACE_SECOND)  # town names are two of these

# Words for venue names by kind, and the types of medical venues and schools with theirs.
WORDS = {
    "shopping": ["副食店", "便民超市", "百货店", "五金店", "水果店", "农资店", "日杂店", "建材店", "烟酒店"],
    "catering": ["小面馆", "火锅店", "饭店", "豆花饭庄", "烧烤店", "饺子馆", "米粉店", "农家菜馆"],
    "lodging": ["旅馆", "客栈", "民宿", "招待所", "山庄"],
    "entertainment": ["网吧", "KTV", "游艺厅", "台球室", "电竞馆"],
    "leisure": ["理发店", "美容院", "足浴店", "茶馆", "棋牌室", "健身房", "咖啡馆"],
    "production": ["食品加工厂", "木器加工厂", "服装加工厂", "粮油加工坊", "机械修理厂", "包装厂"],
    "hazardous": ["液化气供应站", "烟花爆竹店", "油漆店", "燃气经营部"],
}
MEDICAL_TYPES = [("village_clinic", "村卫生室"), ("clinic", "诊所"), ("pet_clinic", "宠物诊所"),
                 ("nursing_home", "养老院"), ("health_centre", "社区卫生服务站")]
SCHOOL_TYPES = [("kindergarten", "幼儿园"), ("school", "培训学校"), ("boarding_school", "寄宿学校"),
                ("boarding_kindergarten", "寄宿幼儿园")]
NO_CODE_REASONS = {"unlicensed": "尚未办理营业执照", "temporary": "在临时建筑内经营，暂未办理执照"}

# kind slug: (share of venues, further kinds it may have with their chance)
KIND_SHARES = {
    "shopping": (30, [("hazardous", 0.02)]), "catering": (22, [("lodging", 0.04)]),
    "lodging": (8, [("catering", 0.3)]), "entertainment": (4, []), "leisure": (15, [("catering", 0.03)]),
    "medical": (4, []), "education": (4, []), "production": (8, []), "hazardous": (5, []),
}
FACTS = ["floor_area", "floors", "seats", "beds", "staff_count", "dorm_people", "people", "subtype"]
USES_GAS = {"catering": 0.9, "lodging": 0.5}  # the rest: 0.1

# Registration statuses other than approved, as shares of all venues.
STATUS_SHARES = [(S.DRAFT, 0.03), (S.SUBMITTED, 0.04), (S.RETURNED, 0.02), (S.RESUBMITTED, 0.01),
                 (S.REJECTED, 0.01), (S.CLOSED, 0.03)]
RETURN_REASONS = ["请补充门头照片。", "经营面积与实际不符，请核实后修改。", "请填写完整的统一社会信用代码。"]
REJECT_REASONS = ["该地点不具备经营条件。", "经核实该场所已不在本辖区经营。"]
CLOSE_REASONS = ["经营者已停止营业。", "场所已转让，原经营者注销。"]
SELFCHECK_RETURN_REASONS = ["照片不清楚，请重新拍照后提交。", "自查结果与现场情况不符，请重新检查。"]

# Each approved venue's hazard of the past year, if any: (story, share of venues). The first
# venue that can have one gets each story, so a small data set has every state.
HAZARD_STORIES = [("open", 0.05), ("overdue", 0.03), ("rectified", 0.03), ("closed", 0.12),
                  ("reopened", 0.02)]
# What is found wrong, by checklist group (venues.checklist_seed.GROUPS).
FAULTS = {
    "fire_equipment": ["灭火器压力不足，指针在红区。", "灭火器超过检修期限。"],
    "evacuation": ["疏散通道堆放货物。", "安全出口上锁。", "应急照明灯不亮。"],
    "living": ["经营区域内住人，未做防火分隔。"],
    "ebike": ["电动自行车在店内充电。"],
    "electrical": ["电线私拉乱接，未穿管保护。", "插座超负荷使用。"],
    "building": ["使用易燃材料装修。"],
    "gas": ["燃气软管老化开裂。", "未安装可燃气体报警器。"],
    "kitchen": ["烟道油污未及时清理。"],
    "special": ["专项安全设施未按要求维护。"],
    "hazardous_goods": ["易燃易爆物品超量存放。"],
    "management": ["员工未参加消防安全培训。"],
}
INTERIM = ["已安排专人值守，暂停使用相关区域。", "已设置警示标志，限期整改。"]
FIXES = ["已更换新的器材。", "已清理完毕，保持畅通。", "已请电工重新布线。", "已更换合格配件。"]
REJECTIONS = ["照片看不清整改情况，请重新拍照。", "现场复查仍未整改到位。"]

NOTICE_TOPICS = ["春节前消防安全检查", "夏季用电安全", "燃气安全隐患排查", "电动自行车充电安全",
                 "汛期安全防范", "冬季防火", "安全出口和疏散通道整治", "“三合一”场所整治",
                 "九小场所安全培训", "场所安全自查"]


def _stream(*paragraphs):
    return json.dumps([{"type": "paragraph", "value": f"<p>{p}</p>"} for p in paragraphs])


# --- Writing rows fast ---------------------------------------------------------------------

def insert_rows(model, columns, rows):
    """Insert ``rows`` (tuples of values for the fields ``columns``, by attname) without model
    instances. Timestamps are kept as given (bulk_create would set auto_now_add fields to now);
    JSON values come serialised."""
    fields = [model._meta.get_field(name) for name in columns]
    _write(model._meta.db_table, [f.column for f in fields], rows, _adapters(fields))


def _adapters(fields):
    """[(position, adapter)] for the values the database driver cannot take as they are."""
    ops = connection.ops
    adapters = {"DateTimeField": ops.adapt_datetimefield_value, "DateField": ops.adapt_datefield_value}
    return [(i, adapters[f.get_internal_type()]) for i, f in enumerate(fields)
            if f.get_internal_type() in adapters]


def _write(table, columns, rows, adapt=(), batch_size=5000):
    """COPY ``rows`` into ``table`` on PostgreSQL; executemany in batches elsewhere."""
    ops = connection.ops
    table, names = ops.quote_name(table), ", ".join(ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = []
        for row in rows:
            if adapt:
                row = list(row)
                for i, adapter in adapt:
                    row[i] = adapter(row[i])
            batch.append(row)
            if len(batch) == batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


class SelfCheckWriter:
    """Self-checks with their checklists, answers and checklist versions, written by the
    database from one template per checklist. Each self-check keeps a copy of its merged
    checklist (about 18 KB of JSON), and a year of them has twenty answers each: parsing that
    JSON, or sending every answer, once per self-check would take most of the time. So each
    checklist (its items, its usual answers and its versions) is written once into temporary
    tables; the self-checks go to a temporary table of their own with the key of theirs; and
    INSERT ... SELECT joins them, copying the stored JSON as it is. A draft has the answers of
    the groups it has done (``step``); the few failed items are updated afterwards."""

    COLUMNS = ["id", "venue_id", "status", "due_on", "step", "started_by_id", "created_at", "updated_at",
               "submitted_at", "submitted_by_id", "assisted_by_id", "confirmed_by_name", "reviewed_at",
               "reviewed_by_id", "review_reason"]

    def __enter__(self):
        quote = connection.ops.quote_name
        self.fields = [SelfCheck._meta.get_field(name) for name in self.COLUMNS]
        self.items = SelfCheck._meta.get_field("items")
        self.tables = {model: quote(model._meta.db_table)
                       for model in (SelfCheck, SelfCheckAnswer, SelfCheck.versions.through)}
        self.names = ", ".join(quote(f.column) for f in self.fields)
        staged = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in self.fields)
        self.answer_count = 0
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE gen_checklist (id integer PRIMARY KEY, "
                           f"items {self.items.db_type(connection)})")
            cursor.execute("CREATE TEMPORARY TABLE gen_answer (checklist integer, code varchar(40), "
                           "answer varchar(3), group_number integer)")
            cursor.execute("CREATE TEMPORARY TABLE gen_version (checklist integer, version bigint)")
            cursor.execute(f"CREATE TEMPORARY TABLE gen_selfcheck ({staged}, checklist integer)")
        return self

    def __exit__(self, error_type, *exc_info):
        if error_type is not None:
            return  # the rollback removes the tables
        with connection.cursor() as cursor:
            for table in ("gen_selfcheck", "gen_version", "gen_answer", "gen_checklist"):
                cursor.execute(f"DROP TABLE {table}")

    def add_checklist(self, key, items, version_pks, answers):
        """``answers``: [(code, answer, number of its group)] as a complete self-check gives them."""
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO gen_checklist (id, items) VALUES (%s, %s)",
                           [key, self.items.get_db_prep_save(items, connection)])
            cursor.executemany("INSERT INTO gen_version (checklist, version) VALUES (%s, %s)",
                               [(key, pk) for pk in version_pks])
            cursor.executemany("INSERT INTO gen_answer (checklist, code, answer, group_number) "
                               "VALUES (%s, %s, %s, %s)", [(key, *answer) for answer in answers])

    def write(self, rows, failed):
        """``rows``: values for COLUMNS followed by the key of the checklist; ``failed``:
        [(self-check, code, note, interim measure)]."""
        _write("gen_selfcheck", [f.column for f in self.fields] + ["checklist"], rows, _adapters(self.fields))
        checks, answers, versions = (self.tables[model] for model in
                                     (SelfCheck, SelfCheckAnswer, SelfCheck.versions.through))
        staged = ", ".join(f"s.{connection.ops.quote_name(f.column)}" for f in self.fields)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {checks} ({self.names}, items) SELECT {staged}, c.items "  # noqa: S608
                           "FROM gen_selfcheck s JOIN gen_checklist c ON c.id = s.checklist")
            cursor.execute(f"INSERT INTO {versions} (selfcheck_id, checklistversion_id) "  # noqa: S608
                           "SELECT s.id, v.version FROM gen_selfcheck s "
                           "JOIN gen_version v ON v.checklist = s.checklist")
            cursor.execute(f"INSERT INTO {answers} (selfcheck_id, code, answer, note, interim_measure) "  # noqa: S608
                           "SELECT s.id, a.code, a.answer, '', '' FROM gen_selfcheck s "
                           "JOIN gen_answer a ON a.checklist = s.checklist AND a.group_number <= s.step")
            self.answer_count += cursor.rowcount
            cursor.executemany(f"UPDATE {answers} SET answer = %s, note = %s, interim_measure = %s "  # noqa: S608
                               "WHERE selfcheck_id = %s AND code = %s",
                               [(Answer.NO, note, interim, pk, code) for pk, (code, note, interim) in failed])
            cursor.execute("DELETE FROM gen_selfcheck")


def _next_id(model):
    """The first primary key of rows about to be written with explicit keys."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _reset_sequences(*models):
    """After explicit keys, PostgreSQL's sequences must move past them (SQLite's do by themselves)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _delete_rows(model, key, keys):
    """DELETE the rows of ``model`` whose ``key`` column is one of ``keys`` (a values("pk")
    queryset) in one statement: Django's delete() loads every row first, and millions of
    answers do not fit."""
    sql, params = keys.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name(key)} IN ({sql})",  # noqa: S608
                       params)


# --- What is generated, and whether it may be -----------------------------------------------

class RegisterNotEmpty(Exception):
    """Generating here could mix invented venues into a real register, or into earlier ones."""


def generated_venues():
    return Venue.objects.filter(name__endswith=MARKER)


def _generated_present():
    return (generated_venues().exists() or User.objects.filter(username__startswith=USER_PREFIX).exists()
            or Area.get_root_nodes().filter(name__endswith=MARKER).exists()
            or NoticePage.objects.filter(title__endswith=MARKER).exists())


def check_may_generate(append=False, flush=False):
    """Refuse (RegisterNotEmpty) unless the flags say what to do with the venues already there."""
    if not append and Venue.objects.exclude(name__endswith=MARKER).exists():
        raise RegisterNotEmpty("The database holds venues that were not generated; pass --append to "
                               "add generated data beside them.")
    if not flush and _generated_present():
        raise RegisterNotEmpty("The database already holds generated data; pass --flush-generated to "
                               "replace it.")


def flush():
    """Remove every generated row (venues and what hangs off them, accounts, areas, notices),
    biggest tables first in single statements; returns the number of venues removed."""
    # In one go (treebeard keeps the tree right), not page by page through Wagtail's delete action.
    NoticeIndexPage.objects.filter(title__endswith=MARKER).delete()
    NoticePage.objects.filter(title__endswith=MARKER).delete()
    venues = generated_venues()
    hazards, checks = Hazard.objects.filter(venue__in=venues), SelfCheck.objects.filter(venue__in=venues)
    EvidencePhoto.objects.filter(venue__in=venues).delete()
    HazardEvent.objects.filter(hazard__in=hazards).delete()
    Reminder.objects.filter(venue__in=venues).delete()
    _delete_rows(Hazard, "venue_id", venues.values("pk"))
    _delete_rows(SelfCheckAnswer, "selfcheck_id", checks.values("pk"))
    SelfCheck.versions.through.objects.filter(selfcheck__in=checks).delete()
    _delete_rows(SelfCheck, "venue_id", venues.values("pk"))
    VenueStatusChange.objects.filter(venue__in=venues).delete()
    pks = list(venues.values_list("pk", flat=True))
    # What is left hanging off the venues (messages, codes, photos...) is small: Django's
    # delete() finds it, including relations added later.
    for start in range(0, len(pks), CHUNK):
        Venue.objects.filter(pk__in=pks[start:start + CHUNK]).delete()
    accounts = User.objects.filter(username__startswith=USER_PREFIX)
    # The audit log keeps its entries (venues.audit), but not those of invented people.
    AuditEntry.objects.filter(actor__in=accounts).purge_before(timezone.now() + datetime.timedelta(days=1))
    users = list(accounts.values_list("pk", flat=True))
    for start in range(0, len(users), CHUNK):
        User.objects.filter(pk__in=users[start:start + CHUNK]).delete()
    for root in Area.get_root_nodes().filter(name__endswith=MARKER):
        root.delete()
    return len(pks)


# --- The generator -------------------------------------------------------------------------

@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    timings: dict = field(default_factory=dict)

    def lines(self):
        rows = [f"  {name:<32} {count:>10,}" for name, count in self.counts.items()]
        rows += [f"  {step:<32} {seconds:>9.1f}s" for step, seconds in self.timings.items()]
        return rows


@dataclass
class Check:
    """A self-check as planned, before it has rows."""

    pk: int
    status: str
    due_on: datetime.date
    started_at: datetime.datetime
    submitted_at: datetime.datetime | None = None
    reviewed_at: datetime.datetime | None = None
    review_reason: str = ""
    assisted: bool = False
    step: int | None = None  # groups answered, for a draft
    failed: tuple | None = None  # the item that failed: (code, note, interim measure)


@dataclass
class Plan:
    """A venue as planned: its row values and what follows from them."""

    pk: int
    kinds: tuple
    village: int
    status: str
    owner: int | None
    operator: str
    uses_gas: bool
    history: list = field(default_factory=list)  # (at, from, to, actor, reason)
    approved_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    checks: list = field(default_factory=list)
    hazard: dict | None = None
    row: dict = field(default_factory=dict)


class Generator:
    def __init__(self, seed, today, password=None, log=None):
        self.rng = random.Random(seed)  # noqa: S311 -- invented data, not secrets
        self.today = today
        self.window = today - datetime.timedelta(days=365)
        self.tz = timezone.get_default_timezone()
        self.log = log or (lambda message: None)
        self.summary = Summary()
        self.password = make_password(password)  # hashed once; None gives an unusable one
        self.rules = SafetyRules.current()
        self.kinds = {kind.slug: kind for kind in VenueKind.objects.all()}
        self.checklists = {}
        self.first_seen = set()
        self.public_codes = set(Venue.objects.values_list("public_code", flat=True))
        self.taken_mobiles = set(User.objects.filter(mobile__startswith=OWNER_MOBILE_PREFIX)
                                 .values_list("mobile", flat=True))
        self.owner_number = 0

    @contextmanager
    def timed(self, step):
        start = time.perf_counter()
        yield
        self.summary.timings[step] = self.summary.timings.get(step, 0) + time.perf_counter() - start

    # --- Small helpers ---

    def _first_or(self, flag, share):
        """True for the first venue asked, so that a small data set has one of everything, then
        at ``share``."""
        if flag not in self.first_seen:
            self.first_seen.add(flag)
            return True
        return self.rng.random() < share

    def _moment(self, day, earliest=8, latest=20):
        """A time of ``day`` in the town's working hours."""
        rng = self.rng
        clock = datetime.time(rng.randint(earliest, latest), rng.randint(0, 59), rng.randint(0, 59))
        return datetime.datetime.combine(day, clock, tzinfo=self.tz)

    def _after(self, moment, min_days, max_days):
        """A moment ``min_days`` to ``max_days`` days after ``moment``, in working hours."""
        return self._moment(moment.date() + datetime.timedelta(days=self.rng.randint(min_days, max_days)))

    def _ago(self, min_days, max_days):
        return self._moment(self.today - datetime.timedelta(days=self.rng.randint(min_days, max_days)))

    def _person(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice([1, 2])))

    def _place_names(self, count):
        names = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
        return self.rng.sample(names, count)

    def _public_code(self):
        while True:
            code = "".join(self.rng.choices(PUBLIC_CODE_ALPHABET, k=PUBLIC_CODE_LENGTH))
            if code not in self.public_codes:
                self.public_codes.add(code)
                return code

    def _checklist(self, kinds, uses_gas):
        """(key, items, number of groups) of the checklist of a combination of kinds, made once:
        what venues.checklists.checklist_for gives any venue of these kinds. Its usual answers
        are "in order", and "does not apply" for the gas items where no gas is used."""
        if (kinds, uses_gas) not in self.checklists:
            versions, items = checklist_for(SimpleNamespace(all_kinds=[self.kinds[slug] for slug in kinds]))
            groups = list(dict.fromkeys(item["group"] for item in items))
            not_applicable = {item["code"] for item in items if item["group_code"] == GAS_GROUP
                              and item["allow_not_applicable"] and not uses_gas}
            answers = [(item["code"], Answer.NOT_APPLICABLE if item["code"] in not_applicable else Answer.YES,
                        groups.index(item["group"]) + 1) for item in items]
            key = len(self.checklists) + 1
            self.selfcheck_writer.add_checklist(key, items, [v.pk for v in versions], answers)
            self.checklists[kinds, uses_gas] = (key, items, len(groups))
        return self.checklists[kinds, uses_gas]

    # --- Areas and staff ---

    def areas(self, towns):
        """A city, a district and ``towns`` towns of villages and grids; returns the villages as
        (town name, village name, village pk, [grid pks], town pk)."""
        city = Area.add_root(name=f"生成市{MARKER}", level=AreaLevel.CITY)
        district = city.add_child(name=f"生成区{MARKER}", level=AreaLevel.DISTRICT)
        villages = []
        for town_name in sorted(self._place_names(towns)):
            town = district.add_child(name=f"{town_name}镇{MARKER}", level=AreaLevel.TOWN)
            names = self._place_names(VILLAGES_PER_TOWN)
            names = sorted([names[0] + "社区"] + [name + "村" for name in names[1:]])
            for village_name in names:
                village = town.add_child(name=village_name, level=AreaLevel.VILLAGE)
                grids = [village.add_child(name=name, level=AreaLevel.GRID).pk
                         for name in GRID_NAMES[:GRIDS_PER_VILLAGE]]
                villages.append((town_name + "镇", village_name, village.pk, grids, town.pk))
        self.summary.counts["areas"] = 2 + towns * (1 + VILLAGES_PER_TOWN * (1 + GRIDS_PER_VILLAGE))
        return villages

    def staff(self, villages):
        """A member of the town office per town and of staff per village, who review and
        verify; returns {village pk: staff user pk}."""
        town_office = Office.objects.filter(is_town_office=True).first()
        towns = list(dict.fromkeys(town_pk for *_, town_pk in villages))
        people = [(f"{USER_PREFIX}staff-town-{n:03d}", TOWN_OFFICE, town_office, town_pk)
                  for n, town_pk in enumerate(towns, start=1)]
        people += [(f"{USER_PREFIX}staff-village-{n:04d}", VILLAGE_STAFF, None, village[2])
                   for n, village in enumerate(villages, start=1)]
        joined = self._moment(self.window - datetime.timedelta(days=30))
        users = User.objects.bulk_create([
            User(username=username, full_name=self._person(), password=self.password, is_staff=False,
                 date_joined=joined) for username, *_ in people
        ])
        groups = {name: Group.objects.get(name=name) for name in (TOWN_OFFICE, VILLAGE_STAFF)}
        User.groups.through.objects.bulk_create([
            User.groups.through(user_id=user.pk, group_id=groups[role].pk)
            for user, (_, role, *_) in zip(users, people, strict=True)
        ])
        profiles = StaffProfile.objects.bulk_create([
            StaffProfile(user=user, office=office)
            for user, (_, _, office, _) in zip(users, people, strict=True)
        ])
        StaffProfile.areas.through.objects.bulk_create([
            StaffProfile.areas.through(staffprofile_id=profile.pk, area_id=area)
            for profile, (*_, area) in zip(profiles, people, strict=True)
        ])
        self.summary.counts["staff accounts"] = len(users)
        return {area: user.pk for user, (_, role, _, area) in zip(users, people, strict=True)
                if role == VILLAGE_STAFF}

    # --- Venues ---

    def _kinds(self):
        slugs = [slug for slug in KIND_SHARES if slug in self.kinds]
        main = self.rng.choices(slugs, weights=[KIND_SHARES[slug][0] for slug in slugs])[0]
        further = [slug for slug, chance in KIND_SHARES[main][1]
                   if slug in self.kinds and self.rng.random() < chance]
        return (main, *further)

    def _facts(self, kind):
        """The facts the kind's rule reads (one venue in twenty beyond its limits) and a word
        for the name."""
        rng, big = self.rng, self.rng.random() < 0.05

        def upto(low, high, over):
            return rng.randint(low, over if big else high)

        def area(low, high, over):
            return Decimal(upto(low, high, over)) + rng.choice([0, 0, Decimal("0.5")])

        if kind == "medical":
            (subtype, word), = rng.choices(MEDICAL_TYPES, weights=[30, 40, 10, 15, 5])
            return {"subtype": subtype, "beds": upto(0, 30, 60)}, word
        if kind == "education":
            (subtype, word), = rng.choices(SCHOOL_TYPES, weights=[55, 25, 12, 8])
            if subtype.startswith("boarding"):
                return {"subtype": subtype, "beds": upto(10, 50, 70)}, word
            most = 500 if subtype == "school" else 100
            return {"subtype": subtype, "people": upto(20, most, most + 50)}, word
        if kind == "catering":
            facts = {"seats": upto(10, 100, 160), "floor_area": area(30, 200, 300)}
        elif kind == "lodging":
            facts = {"beds": upto(4, 50, 80)}
        elif kind == "entertainment":
            floors = rng.choices(["1", "1,2", "2", "-1", "3,4"], [60, 20, 10, 5, 5])[0]
            facts = {"floors": floors, "floor_area": area(60, 200, 300)}
        elif kind == "production":
            dorm = rng.randint(5, 30) if rng.random() < 0.4 else 0
            facts = {"staff_count": upto(3, 50, 120), "dorm_people": dorm}
        else:  # by floor area
            sizes = {"shopping": (20, 300, 480), "leisure": (20, 200, 300), "hazardous": (15, 100, 150)}
            low, most, over = sizes[kind]
            facts = {"floor_area": area(low, most, over)}
        return facts, rng.choice(WORDS[kind])

    def _licence(self):
        situation = self.rng.choices(list(LicenceSituation.values), weights=[75, 18, 7])[0]
        if situation != LicenceSituation.LICENSED:
            return situation, "", NO_CODE_REASONS[situation]
        body = "92500156" + "".join(self.rng.choices(CREDIT_CODE_CHARS, k=9))
        return situation, body + credit_code_check_char(body), ""

    def _timeline(self, plan, owner, reviewer):
        """The registration's history up to ``plan.status``: [(at, from, to, actor, reason)]."""
        status, rng = plan.status, self.rng
        if status == S.DRAFT:
            return self._ago(1, 60), []
        if status == S.APPROVED and rng.random() < 0.5:
            approved = self._ago(366, 3 * 365)  # registered before the year of self-checks
        elif status in (S.APPROVED, S.CLOSED):
            approved = self._ago(1 if status == S.APPROVED else 120, 365)
        else:
            approved = None
        submitted = (approved - datetime.timedelta(days=rng.randint(1, 10)) if approved
                     else self._ago(1, 14) if status == S.SUBMITTED else self._ago(8, 90))
        created = submitted - datetime.timedelta(days=rng.randint(0, 3), minutes=rng.randint(5, 60))
        history = [(submitted, S.DRAFT, S.SUBMITTED, owner, "")]
        if status in (S.RETURNED, S.RESUBMITTED):
            returned = self._after(submitted, 0, 3)
            history.append((returned, S.SUBMITTED, S.RETURNED, reviewer, rng.choice(RETURN_REASONS)))
            if status == S.RESUBMITTED:
                history.append((self._after(returned, 0, 3), S.RETURNED, S.RESUBMITTED, owner, ""))
        elif status == S.REJECTED:
            rejected = self._after(submitted, 0, 5)
            history.append((rejected, S.SUBMITTED, S.REJECTED, reviewer, rng.choice(REJECT_REASONS)))
        elif approved:
            history.append((approved, S.SUBMITTED, S.APPROVED, reviewer, ""))
            plan.approved_at = approved
            if status == S.CLOSED:
                plan.closed_at = self._moment(approved.date() + datetime.timedelta(
                    days=rng.randint(60, max(60, (self.today - approved.date()).days - 1))))
                history.append((plan.closed_at, S.APPROVED, S.CLOSED, reviewer, rng.choice(CLOSE_REASONS)))
        return created, history

    def venue(self, pk, status, village, staff_of):
        rng = self.rng
        town_name, village_name, village_pk, grids, _town = village
        kinds = self._kinds()
        facts, word = self._facts(kinds[0])
        licence, credit_code, no_code_reason = self._licence()
        operator = self._person()
        # A few venues came from the census and have no owner account yet; staff assist them.
        if status == S.APPROVED and rng.random() < 0.04:
            owner, mobile = None, self._mobile()
        else:
            owner, mobile = self._owner(operator)
            operator = owner.full_name  # the owner runs it (several venues, now and then)
        prefix = rng.choices([operator[0] + "记", village_name[:2], rng.choice(SHOP_WORDS)], [5, 3, 2])[0]
        plan = Plan(pk=pk, kinds=kinds, village=village_pk, status=status, owner=owner, operator=operator,
                    uses_gas=rng.random() < USES_GAS.get(kinds[0], 0.1))
        reviewer = staff_of[village_pk]
        created, plan.history = self._timeline(plan, owner or reviewer, reviewer)
        if owner is not None and owner.date_joined is None:
            owner.date_joined = created - datetime.timedelta(minutes=rng.randint(1, 30))  # to register
        contact = rng.random() < 0.3
        last = plan.history[-1][0] if plan.history else created
        name = f"{prefix}{word}{MARKER}"
        plan.row = {
            "id": pk, "name": name, "name_tokens": name_search.tokens_for(name),
            "kind_id": self.kinds[kinds[0]].pk,
            "area_id": village_pk if rng.random() < 0.05 else rng.choice(grids),
            "address": f"{town_name}{village_name}{rng.choice(STREETS)}{rng.randint(1, 300)}号",
            "licence": licence, "credit_code": credit_code, "no_code_reason": no_code_reason,
            "operator_name": operator, "operator_mobile": mobile,
            "contact_name": self._person() if contact else "",
            "contact_mobile": f"171{rng.randint(0, 99999999):08d}" if contact else "",
            "owner_id": owner, "draft_step": rng.randint(1, 4) if status == S.DRAFT else 5,
            "declared_at": plan.history[0][0] if plan.history else None,
            "public_code": self._public_code(), "status": status,
            "created_at": created, "updated_at": last, **facts,
        }
        return plan

    def _mobile(self):
        while True:
            self.owner_number += 1
            mobile = f"{OWNER_MOBILE_PREFIX}{self.owner_number:08d}"
            if mobile not in self.taken_mobiles:
                return mobile

    def _owner(self, name):
        """(owner account key, mobile): a new account, or now and then the previous owner's,
        who runs several venues."""
        if self.new_owners_previous and self.rng.random() < 0.08:
            return self.new_owners_previous
        mobile = self._mobile()
        user = User(username=f"{USER_PREFIX}owner-{self.owner_number:07d}", mobile=mobile, full_name=name,
                    password=self.password, date_joined=None)  # set from the venue's history
        self.pending_owners.append(user)
        self.new_owners_previous = (user, mobile)
        return user, mobile

    # --- Self-checks ---

    def selfchecks(self, plan, ids):
        """A year of self-checks of an approved (or since closed) venue: each around its due
        date, a few late, some returned and done again, the latest maybe awaiting review,
        and sometimes one being filled in now."""
        if plan.approved_at is None:
            return
        rng = self.rng
        months = min(self.kinds[slug].selfcheck_interval_months for slug in plan.kinds)
        end = plan.closed_at.date() if plan.closed_at else self.today
        approved = plan.approved_at.date()
        # Venues approved before the year began: their last check before it is not generated.
        anchor = approved if approved >= self.window else self.window - datetime.timedelta(rng.randint(0, 27))
        on_time = rng.choice([0.97] * 6 + [0.85] * 3 + [0.5])
        assisted = plan.owner is None
        while True:
            due = schedule.add_months(anchor, months)
            offset = -rng.randint(0, 6) if rng.random() < on_time else rng.randint(5, 40)
            done = max(due + datetime.timedelta(days=offset), anchor + datetime.timedelta(days=1))
            if done >= end:
                break
            if done < self.window:
                anchor = done
                continue
            check = self._done(ids, due, done, assisted or rng.random() < 0.05)
            plan.checks.append(check)
            if check.status == C.RETURNED:
                redo = check.reviewed_at.date() + datetime.timedelta(days=rng.randint(1, 3))
                if redo >= end:
                    break
                check = self._done(ids, due, redo, check.assisted, may_return=False)
                plan.checks.append(check)
            anchor = check.submitted_at.date()
        counted = [check for check in plan.checks if check.status != C.RETURNED]
        if counted and plan.closed_at is None and self._first_or("backlog", 0.05):
            counted[-1].status, counted[-1].reviewed_at = C.SUBMITTED, None  # not yet reviewed
        if plan.closed_at is None and self._first_or("draft", 0.04):
            last = plan.checks[-1].submitted_at if plan.checks else plan.approved_at
            started = max(self._ago(1, 5), last + datetime.timedelta(hours=1))
            plan.checks.append(Check(pk=next(ids), status=C.DRAFT, due_on=schedule.add_months(anchor, months),
                                     started_at=started, assisted=assisted, step=rng.randint(1, 3)))

    def _done(self, ids, due, day, assisted, may_return=True):
        rng = self.rng
        submitted = self._moment(day)
        started = submitted - datetime.timedelta(minutes=rng.randint(5, 40))
        reviewed = self._after(submitted, 1, 7)
        if reviewed.date() >= self.today:
            return Check(next(ids), C.SUBMITTED, due, started, submitted, assisted=assisted)
        if may_return and rng.random() < 0.05:
            return Check(next(ids), C.RETURNED, due, started, submitted, reviewed,
                         rng.choice(SELFCHECK_RETURN_REASONS), assisted)
        return Check(next(ids), C.ACCEPTED, due, started, submitted, reviewed, assisted=assisted)

    # --- Hazards ---

    def hazard(self, plan):
        """At most one hazard per venue, in a state chosen by HAZARD_STORIES, found by one of
        its self-checks (the failed answer is recorded there) or, failing one of the right age,
        on a patrol."""
        if plan.status != S.APPROVED or plan.owner is None:
            return
        if (self.today - plan.approved_at.date()).days < 60:
            return
        story = next((name for name, share in HAZARD_STORIES if self._first_or(name, share)), None)
        if story is None:
            return
        rng = self.rng
        # Found long enough ago for the story: an open hazard within its time to fix.
        min_age, max_age = {"open": (1, 6), "overdue": (40, 330), "rectified": (10, 60),
                            "closed": (20, 330), "reopened": (45, 330)}[story]
        counted = [c for c in plan.checks if c.status in (C.SUBMITTED, C.ACCEPTED)
                   and min_age <= (self.today - c.submitted_at.date()).days <= max_age]
        if counted:
            check = rng.choice(counted)
            items = self._checklist(plan.kinds, plan.uses_gas)[1]
            item = rng.choice([i for i in items if i["group_code"] != GAS_GROUP or plan.uses_gas])
            found, severity = check.submitted_at, item["severity"]
            hazard = {"source": HazardSource.SELFCHECK, "check": check, "item": item}
        else:
            max_age = min(max_age, (self.today - plan.approved_at.date()).days - 1)
            found, severity, check, item = self._ago(min_age, max_age), Severity.GENERAL, None, None
            hazard = {"source": HazardSource.PATROL, "check": None, "item": None}
        faults = FAULTS.get(item["group_code"], []) if item else []
        fault = rng.choice(faults or [fault for group in FAULTS.values() for fault in group])
        interim = rng.choice(INTERIM) if severity == Severity.MAJOR else ""
        if check is not None:
            check.failed = (item["code"], fault, interim)
        deadline = found.date() + datetime.timedelta(days=self.rules.days_to_fix(severity))
        hazard.update(story=story, severity=severity, description=fault, interim=interim, found=found,
                      deadline=deadline, status=H.OPEN, events=[(found, "finder", HazardAction.FOUND, fault)])
        if story in ("rectified", "closed", "reopened"):
            fixed = self._fixed_after(found, deadline)
            fix = rng.choice(FIXES)
            hazard["events"].append((fixed, "owner", HazardAction.RECTIFIED, fix))
            if story == "reopened":
                rejected = self._after(fixed, 1, 3)
                hazard["events"].append((rejected, "staff", HazardAction.REJECTED, rng.choice(REJECTIONS)))
                hazard["deadline"] = rejected.date() + datetime.timedelta(self.rules.days_to_fix(severity))
                fixed = self._after(rejected, 2, 5)
                hazard["events"].append((fixed, "owner", HazardAction.RECTIFIED, fix))
            hazard.update(status=H.RECTIFIED, rectified_at=fixed, note=fix)
            if story != "rectified":
                closed = self._after(fixed, 1, 4)
                hazard["events"].append((closed, "staff", HazardAction.ACCEPTED, ""))
                hazard.update(status=H.CLOSED, closed_at=closed)
        # Nothing happens today or later.
        last = max(at for at, *_ in hazard["events"])
        if last.date() >= self.today:
            return
        plan.hazard = hazard

    def _fixed_after(self, found, deadline):
        latest = min(deadline, self.today - datetime.timedelta(days=8))
        return self._after(found, 1, max(1, (latest - found.date()).days))

    # --- Writing ---

    def write_chunk(self, plans, staff_of):
        counts = self.summary.counts
        with self.timed("venues, owners and history"):
            owners = User.objects.bulk_create(self.pending_owners, batch_size=CHUNK)
            counts["owner accounts"] += len(owners)
            self.pending_owners = []
            for plan in plans:
                if plan.owner is not None:
                    plan.owner = plan.owner.pk
                    plan.row["owner_id"] = plan.owner
                plan.row["uses_gas"] = plan.uses_gas if any(c.submitted_at for c in plan.checks) else None
            self._write_venues(plans)
            insert_rows(Venue.other_kinds.through, ["venue_id", "venuekind_id"],
                        [(p.pk, self.kinds[slug].pk) for p in plans for slug in p.kinds[1:]])
            insert_rows(VenueStatusChange, ["venue_id", "at", "actor_id", "from_status", "to_status",
                                            "reason", "field_notes"],
                        [(p.pk, at, actor if isinstance(actor, int) else actor.pk, old, new, reason, "{}")
                         for p in plans for at, old, new, actor, reason in p.history])
            counts["status changes"] += sum(len(p.history) for p in plans)
            for plan in plans:
                counts[f"venues {plan.status}"] += 1
        self._write_selfchecks(plans, staff_of)
        with self.timed("hazards"):
            self._write_hazards(plans, staff_of)

    VENUE_COLUMNS = [
        "id", "name", "name_tokens", "kind_id", "area_id", "address", "floor_area", "floors", "seats", "beds",
        "staff_count", "dorm_people", "people", "subtype", "outside_nine", "classification_reasons",
        "licence", "credit_code", "no_code_reason", "operator_name", "operator_mobile",
        "operator_id_number", "operator_id_hash", "contact_name", "contact_mobile", "owner_id",
        "draft_step", "declared_at", "public_code", "status", "created_at", "updated_at", "uses_gas",
        "risk_level", "risk_reasons", "integrity_level", "integrity_reasons", "selfcheck_interval_months",
    ]

    def _write_venues(self, plans):
        defaults = {"floor_area": None, "floors": "", "seats": None, "beds": None, "staff_count": None,
                    "dorm_people": None, "people": None, "subtype": "", "operator_id_number": "",
                    "operator_id_hash": "", "risk_level": "", "risk_reasons": "[]",
                    "integrity_level": "", "integrity_reasons": "[]", "selfcheck_interval_months": None}
        rows = []
        # The classification as Venue.save() stores it, in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            for plan in plans:
                row = {**defaults, **plan.row}
                venue = Venue(kind=self.kinds[plan.kinds[0]], **{name: row[name] for name in FACTS})
                venue.classify()
                row["outside_nine"], row["classification_reasons"] = (
                    venue.outside_nine, json.dumps(venue.classification_reasons))
                rows.append(tuple(row[name] for name in self.VENUE_COLUMNS))
        insert_rows(Venue, self.VENUE_COLUMNS, rows)

    def _write_selfchecks(self, plans, staff_of):
        checks, failed = [], []
        counts = self.summary.counts
        for plan in plans:
            key, _items, groups = self._checklist(plan.kinds, plan.uses_gas)
            staff = staff_of[plan.village]
            for check in plan.checks:
                by = staff if check.assisted else plan.owner
                reviewed = check.reviewed_at is not None
                checks.append((
                    check.pk, plan.pk, check.status, check.due_on,
                    groups if check.step is None else check.step, by, check.started_at,
                    check.reviewed_at or check.submitted_at or check.started_at,
                    check.submitted_at, by if check.submitted_at else None, staff if check.assisted else None,
                    plan.operator if check.assisted and check.submitted_at else "",
                    check.reviewed_at, staff if reviewed else None, check.review_reason, key,
                ))
                if check.failed:
                    failed.append((check.pk, check.failed))
                counts[f"self-checks {check.status}"] += 1
        with self.timed("self-checks and answers"):
            answers = self.selfcheck_writer.answer_count
            self.selfcheck_writer.write(checks, failed)
            counts["self-check answers"] += self.selfcheck_writer.answer_count - answers

    def _write_hazards(self, plans, staff_of):
        hazards, events = [], []
        counts = self.summary.counts
        for plan in plans:
            hazard = plan.hazard
            if hazard is None:
                continue
            pk = next(self.hazard_ids)
            staff = staff_of[plan.village]
            check, item = hazard["check"], hazard["item"]
            finder = staff if hazard["source"] == HazardSource.PATROL or check.assisted else plan.owner
            actors = {"finder": finder, "owner": plan.owner, "staff": staff}
            hazards.append((
                pk, plan.pk, hazard["source"], check.pk if check else None, item["code"] if item else "",
                item["question"][:200] if item else "", hazard["severity"], hazard["description"],
                hazard["interim"], hazard["deadline"], hazard["status"], hazard["found"], finder,
                hazard.get("rectified_at"), hazard.get("note", ""), hazard.get("closed_at"),
                staff if hazard.get("closed_at") else None,
            ))
            events += [(pk, at, actors[who], action, note) for at, who, action, note in hazard["events"]]
            overdue = hazard["status"] == H.OPEN and hazard["deadline"] < self.today
            counts[f"hazards {'overdue' if overdue else hazard['status']}"] += 1
        insert_rows(Hazard, [
            "id", "venue_id", "source", "selfcheck_id", "item_code", "item_question", "severity",
            "description", "interim_measure", "deadline", "status", "found_at", "found_by_id", "rectified_at",
            "rectification_note", "closed_at", "closed_by_id"], hazards)
        insert_rows(HazardEvent, ["hazard_id", "at", "actor_id", "action", "note"], events)
        counts["hazard events"] += len(events)

    # --- Notices ---

    def notices(self, count, villages):
        """``count`` notices over the year under the site's notices index (one made for them
        if the site has none), some for certain kinds or towns, some to be acknowledged."""
        index = NoticeIndexPage.objects.first()
        if index is None:
            site = Site.objects.filter(is_default_site=True).first()
            parent = site.root_page if site else Page.get_first_root_node()
            index = NoticeIndexPage(title=f"通知公告{MARKER}", slug="generated-notices")
            parent.add_child(instance=index)
        town_pks = {name: pk for name, _, _, _, pk in villages}
        areas = Area.objects.in_bulk(town_pks.values())
        towns = {name: areas[pk] for name, pk in town_pks.items()}
        kinds = list(self.kinds.values())
        rng = self.rng
        for n in range(1, count + 1):
            topic = rng.choice(NOTICE_TOPICS)
            date = self.today - datetime.timedelta(days=rng.randint(1, 365))
            town = rng.choice(list(towns))
            notice = NoticePage(
                title=f"关于做好{topic}工作的通知{MARKER}", slug=f"generated-notice-{n}", date=date,
                issuing_office=rng.choice([f"{town}人民政府", f"{town}应急办", "生成区应急管理局"]),
                document_number=f"生成应急〔{date.year}〕{n}号",
                summary=f"请各场所经营者按要求做好{topic}工作。",
                body=_stream(f"为做好{topic}工作，现将有关事项通知如下。",
                             "请各经营者对照自查清单逐项检查，发现问题及时整改，并在系统中如实填报。"),
                requires_acknowledgement=rng.random() < 0.3,
                first_published_at=self._moment(date, 9, 11),
            )
            notice.last_published_at = notice.first_published_at
            notice.kinds = rng.sample(kinds, rng.choice([0, 0, 0, 1, 2]))
            notice.areas = [towns[town]] if rng.random() < 0.2 else []
            index.add_child(instance=notice)
        self.summary.counts["notices"] = count

    # --- The whole run ---

    def run(self, venues, towns):
        rng = self.rng
        with self.timed("areas and staff"):
            villages = self.areas(towns)
            staff_of = self.staff(villages)
        statuses = [status for status, share in STATUS_SHARES
                    for _ in range(max(1, round(share * venues)) if venues >= 20 else round(share * venues))]
        statuses = (statuses + [S.APPROVED] * venues)[:venues]
        rng.shuffle(statuses)
        venue_ids, check_ids = itertools.count(_next_id(Venue)), itertools.count(_next_id(SelfCheck))
        self.hazard_ids = itertools.count(_next_id(Hazard))
        self.pending_owners, self.new_owners_previous = [], None
        with SelfCheckWriter() as self.selfcheck_writer:
            for start in range(0, venues, CHUNK):
                with self.timed("planning"):
                    plans = []
                    for status in statuses[start:start + CHUNK]:
                        plan = self.venue(next(venue_ids), status, rng.choice(villages), staff_of)
                        self.selfchecks(plan, check_ids)
                        self.hazard(plan)
                        plans.append(plan)
                self.write_chunk(plans, staff_of)
                self.log(f"  {min(start + CHUNK, venues):,} of {venues:,} venues written")
        _reset_sequences(Venue, SelfCheck, Hazard)
        self.summary.counts["venues"] = venues
        with self.timed("notices"):
            count = min(MAX_NOTICES, max(MIN_NOTICES, venues // NOTICES_PER_VENUES)) if venues else 0
            self.notices(count, villages)


def _without_row_triggers():
    """On PostgreSQL, write and delete without checking each row's foreign keys at commit, as
    pg_restore --disable-triggers does (tens of millions of checks at 100,000 venues): every
    key written refers to a row this run wrote or read, and flush() deletes what refers to a
    row before the row. Only a superuser may; for others the checks run."""
    if connection.vendor != "postgresql":
        return False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def _analyze():
    """Statistics for PostgreSQL's planner after a bulk load (autovacuum would come later)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate(venues, seed=1, towns=None, today=None, password=None, append=False, flush_first=False,
             log=None):
    """Generate ``venues`` venues (with everything else) and return the Summary. Refuses with
    RegisterNotEmpty where check_may_generate does."""
    today = today or timezone.localdate()
    towns = towns or min(MAX_TOWNS, max(1, round(venues / VENUES_PER_TOWN)))
    check_may_generate(append=append, flush=flush_first)
    started = time.perf_counter()
    if flush_first:
        with transaction.atomic():
            _without_row_triggers()
            flush()
        flushed_seconds = time.perf_counter() - started
    generator = Generator(seed, today, password=password, log=log)
    if flush_first:
        generator.summary.timings["flush earlier data"] = flushed_seconds
    if not venues:
        return generator.summary
    with transaction.atomic():
        _without_row_triggers()
        generator.run(venues, towns)
    with generator.timed("analyze"):
        _analyze()
    with generator.timed("due dates and risk levels"):
        schedule.refresh(generated_venues().filter(status=S.APPROVED))
    with generator.timed("analyze"):
        _analyze()
    generator.summary.timings["total"] = time.perf_counter() - started
    return generator.summary
