"""The demo inspection-object registry of 临江市 (a fictional city, division codes 3301xx).

`build(objects=20_000)` creates a realistic registry: mostly enterprises and individual
businesses, some farmer cooperatives, a few products, projects and behaviours; industries with
the licences and supervising departments that go with them; credit risk classes A/B/C/D at
30/50/15/5 %; and the special lists in the proportions the city sees (anomaly ~3 %, serious
violation ~0.5 %, penalised within 3 years ~2 %, group complaints ~0.3 %), each with a date and a
source. Rows go in with PostgreSQL COPY in chunks, so 20,000 objects take a few seconds and
`objects=1_000_000` (for benchmarks) about a minute, in bounded memory.

Idempotent: the generator is seeded, so the first demo code is always the same; when it is
already in the registry, nothing is written. Then, when the inspector registry has a demo
builder (`registries.inspectors.demo`), it is called too.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module
from itertools import accumulate

from django.db import connection, transaction
from django.utils import timezone

from accounts.audit import record_event
from accounts.models import Department
from registries.models import InspectionObject, ObjectSupervision
from registries.uscc import USCC_ALPHABET, make_uscc

SEED = 20260301
CHUNK = 20_000
CITY = "临江市"

# (division code, district name, share of objects)
DISTRICTS = [
    ("330102", "上城区", 11),
    ("330105", "拱墅区", 12),
    ("330106", "西湖区", 12),
    ("330108", "滨江区", 9),
    ("330109", "萧山区", 16),
    ("330110", "余杭区", 15),
    ("330111", "富阳区", 8),
    ("330112", "临安区", 7),
    ("330122", "桐庐县", 5),
    ("330127", "淳安县", 5),
]
GRIDS_PER_DISTRICT = 12

ROADS = [
    "解放路",
    "延安路",
    "中山路",
    "凤起路",
    "庆春路",
    "文三路",
    "文二路",
    "学院路",
    "莫干山路",
    "湖墅路",
    "江南大道",
    "滨盛路",
    "市心路",
    "金城路",
    "人民路",
    "临平大道",
    "迎宾路",
    "富春路",
    "钱江路",
    "之江路",
    "天目山路",
    "秋涛路",
    "建国路",
    "环城北路",
    "东新路",
    "丰潭路",
    "古墩路",
    "西溪路",
    "萧金路",
    "南环路",
    "星民路",
    "恒隆路",
    "春江路",
    "新安路",
    "千岛湖大道",
]
TRADE_FIRST = "恒华鑫金瑞宏永天聚万百长祥新嘉博东南锦泰正德隆盛兴安康利达丰源通汇佳明荣昌旺福"
TRADE_SECOND = "达兴源诚丰远盛和福家川青云宇禾博方华程泰信通利康顺发宝辉鼎业晟扬润豪"
SHOP_PREFIX = [
    "老李记",
    "阿芳",
    "小王",
    "张记",
    "老陈",
    "刘姐",
    "好运来",
    "红星",
    "阿强",
    "周记",
    "老街",
    "福满",
    "乐乐",
    "顺风",
    "惠民",
    "便民",
]
VILLAGES = [
    "青山",
    "白沙",
    "大溪",
    "桃源",
    "梅坞",
    "龙井",
    "双溪",
    "石门",
    "新塘",
    "河桥",
    "东洲",
    "洞桥",
    "分水",
    "瑶琳",
    "横村",
]


@dataclass(frozen=True)
class Sector:
    """An industry of the demo city: GB/T 4754 code, name words, licences, supervising depts."""

    code: str
    words: tuple[str, ...]
    licences: tuple[str, ...]
    departments: tuple[str, ...]
    weight: int
    shop_words: tuple[str, ...] = ()


SECTORS = [
    Sector(
        "F5221",
        ("食品", "商贸", "副食品"),
        ("食品经营许可证",),
        ("SAMR",),
        14,
        ("食品店", "副食品店", "粮油店"),
    ),
    Sector("F5211", ("超市", "百货"), ("食品经营许可证",), ("SAMR", "COMM"), 6, ("便利店", "超市")),
    Sector(
        "H6210",
        ("餐饮", "餐饮管理", "酒楼"),
        ("食品经营许可证",),
        ("SAMR",),
        14,
        ("餐饮店", "小吃店", "面馆", "饭店"),
    ),
    Sector("C1431", ("食品", "速冻食品"), ("食品生产许可证", "特种设备使用登记"), ("SAMR",), 3),
    Sector("F5251", ("医药", "大药房"), ("药品经营许可证",), ("SAMR",), 4, ("药店",)),
    Sector("C3311", ("机械", "金属制品"), ("特种设备使用登记",), ("SAMR", "EMB"), 4),
    Sector("I6510", ("科技", "信息技术", "网络科技"), (), ("SAMR",), 8),
    Sector("F5191", ("贸易", "进出口", "实业"), (), ("SAMR",), 8, ("商行", "经营部")),
    Sector(
        "H6110",
        ("酒店", "宾馆"),
        ("特种行业许可证", "公共场所卫生许可证"),
        ("CULT", "HEALTH"),
        3,
        ("旅馆",),
    ),
    Sector("L7271", ("旅行社", "国际旅行社"), ("旅行社业务经营许可证",), ("CULT",), 1),
    Sector(
        "R9011", ("文化娱乐", "娱乐"), ("娱乐经营许可证",), ("CULT", "FIRE"), 2, ("歌舞厅", "网吧")
    ),
    Sector("G5430", ("物流", "运输", "货运"), ("道路运输经营许可证",), ("TRANS",), 5, ("货运部",)),
    Sector("G5421", ("客运", "汽车运输"), ("道路运输经营许可证",), ("TRANS",), 1),
    Sector(
        "O8111",
        ("汽车服务", "汽车维修"),
        ("机动车维修经营备案",),
        ("TRANS", "EEB"),
        3,
        ("汽修店", "汽车美容店"),
    ),
    Sector(
        "E4710",
        ("建设", "建筑工程", "建工"),
        ("建筑业企业资质证书", "安全生产许可证"),
        ("HOUSE",),
        4,
    ),
    Sector("K7010", ("房地产开发", "置业"), ("房地产开发企业资质证书",), ("HOUSE",), 2),
    Sector("F5162", ("化工", "化工贸易"), ("危险化学品经营许可证",), ("EMB", "EEB"), 2),
    Sector(
        "C2614",
        ("化学", "新材料"),
        ("安全生产许可证", "排污许可证", "特种设备使用登记"),
        ("EMB", "EEB"),
        1,
    ),
    Sector(
        "F5265",
        ("石化", "加油站"),
        ("成品油零售经营批准证书", "危险化学品经营许可证"),
        ("COMM", "EMB"),
        1,
    ),
    Sector("F5166", ("农资", "农业生产资料"), ("农药经营许可证",), ("AGRI",), 2, ("农资店",)),
    Sector("Q8421", ("门诊部", "诊所"), ("医疗机构执业许可证",), ("HEALTH",), 2, ("诊所",)),
    Sector(
        "O8060", ("美容美发", "美发"), ("公共场所卫生许可证",), ("HEALTH",), 3, ("理发店", "美容店")
    ),
    Sector(
        "L7262",
        ("人力资源", "劳务派遣"),
        ("人力资源服务许可证", "劳务派遣经营许可证"),
        ("HRSS",),
        1,
    ),
    Sector("B1019", ("矿业", "石材"), ("采矿许可证", "安全生产许可证"), ("NRB", "EMB"), 1),
]
COOPERATIVE_SECTORS = [
    ("A0141", ("蔬菜", "瓜果", "茶叶", "水果", "竹笋", "山核桃"), ("AGRI",)),
    ("A0412", ("水产", "渔业"), ("AGRI",)),
]
ORG_FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司")
PRODUCTS = [
    ("电动自行车", ("SAMR",), "C3770"),
    ("儿童玩具", ("SAMR",), "C2451"),
    ("电线电缆", ("SAMR",), "C3831"),
    ("燃气灶具", ("SAMR",), "C3857"),
    ("化肥", ("AGRI",), "C2621"),
    ("建筑用钢筋", ("HOUSE", "SAMR"), "C3130"),
]
PROJECTS = [
    ("住宅工程", ("HOUSE",), "E4710"),
    ("道路改造工程", ("TRANS",), "E4812"),
    ("市政管网工程", ("HOUSE",), "E4852"),
    ("土地整治项目", ("NRB",), "E4890"),
]
BEHAVIOURS = [
    ("价格标示行为", ("SAMR",), "F5211"),
    ("广告发布行为", ("SAMR",), "L7251"),
    ("网络交易行为", ("SAMR", "COMM"), "I6432"),
    ("燃气经营行为", ("HOUSE", "EMB"), "D4520"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红飞鹏辉建国志文斌宇浩凯健俊峰晨阳帆欣怡佳琪雪梅"

# kind, weight, USCC type prefix (market entities) or own-code prefix
KINDS = [
    ("enterprise", 600, "91"),
    ("individual", 330, "92"),
    ("cooperative", 40, "93"),
    ("product", 15, "CP"),
    ("project", 10, "GC"),
    ("behaviour", 5, "XW"),
]
RISK_CLASSES = [("A", 30), ("B", 50), ("C", 15), ("D", 5)]
STATUSES = [("active", 920), ("cancelled", 40), ("revoked", 20), ("moved_out", 20)]
SCALES = [("micro", 60), ("small", 28), ("medium", 9), ("large", 3)]
# per-mille shares of each special list, its date window in days back from today, its sources
ANOMALY = (
    30,
    1500,
    ("未按规定报送年度报告", "通过登记的住所或者经营场所无法联系", "未按规定公示即时信息"),
)
SERIOUS = (5, 1500, ("被列入经营异常名录届满3年仍未履行相关义务", "提交虚假材料取得登记"))
PENALISED = (20, 3 * 365 - 5, ("行政处罚决定书",))
COMPLAINT = (3, 3 * 365 - 5, ("12315投诉举报平台（10人以上集体投诉属实）",))
# the name-search indexes (model Meta and migrations 0004, 0006), rebuilt after a large COPY
NAME_INDEXES = (
    ("object_name_trgm", "USING gin (name gin_trgm_ops)"),
    ("object_name_chars", 'USING gin ((string_to_array(name, NULL) COLLATE "C"))'),
)
DEFER_INDEXES_FROM = 100_000
UNCLAIMED_PER_MILLE = 15
DISPUTED_PER_MILLE = 2

OBJECT_COLUMNS = (
    "kind",
    "code",
    "name",
    "legal_representative",
    "address",
    "region_code",
    "industry_code",
    "licence_types",
    "scale",
    "risk_class",
    "status",
    "registering_authority",
    "grid",
    "anomaly_since",
    "anomaly_source",
    "serious_violation_since",
    "serious_violation_source",
    "penalised_at",
    "penalised_source",
    "group_complaint_at",
    "group_complaint_source",
    "created_at",
    "updated_at",
)
NULL = "\\N"
# 31**9 codes for positions 9-17; a multiplier coprime with 31 makes index -> body a bijection,
# so demo codes are unique without remembering the ones already issued.
_BODY_SPACE = 31**9
_BODY_MULTIPLIER = 7_777_777_777


def _org_body(index: int) -> str:
    value = (index * _BODY_MULTIPLIER + 12345) % _BODY_SPACE
    chars = []
    for _ in range(9):
        value, digit = divmod(value, 31)
        chars.append(USCC_ALPHABET[digit])
    return "".join(chars)


def demo_code(index: int, *, kind_prefix: str, region: str) -> str:
    if kind_prefix.isdigit():
        return make_uscc(kind_prefix + region + _org_body(index))
    return f"{kind_prefix}{region}{index:08d}"


def _picker(rng: random.Random, pairs):
    values = [value for value, _weight in pairs]
    cumulative = list(accumulate(weight for _value, weight in pairs))

    def pick():
        return rng.choices(values, cum_weights=cumulative)[0]

    return pick


def _person(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    )


def _trade_name(rng: random.Random) -> str:
    return rng.choice(TRADE_FIRST) + rng.choice(TRADE_SECOND)


@dataclass
class DemoRow:
    values: list[str]
    departments: tuple[str, ...]


class _Generator:
    """Deterministic row generator (seeded), cheap enough for a million rows."""

    def __init__(self, today: date) -> None:
        self.rng = random.Random(SEED)
        self.today = today
        self.now = timezone.now().isoformat()
        rng = self.rng
        self.kind = _picker(rng, [((kind, prefix), weight) for kind, weight, prefix in KINDS])
        self.district = _picker(rng, [((code, name), weight) for code, name, weight in DISTRICTS])
        self.sector = _picker(rng, [(sector, sector.weight) for sector in SECTORS])
        self.shop_sector = _picker(
            rng, [(sector, sector.weight) for sector in SECTORS if sector.shop_words]
        )
        self.risk = _picker(rng, RISK_CLASSES)
        self.status = _picker(rng, STATUSES)
        self.scale = _picker(rng, SCALES)

    def _flag(self, spec, *, authority: str) -> tuple[str, str]:
        per_mille, window, sources = spec
        if self.rng.random() * 1000 >= per_mille:
            return NULL, ""
        on = self.today - timedelta(days=self.rng.randint(10, window))
        source = self.rng.choice(sources)
        if source == "行政处罚决定书":
            source = f"{authority} 行政处罚决定书 临市监罚〔{on.year}〕{self.rng.randint(1, 999)}号"
        else:
            source = f"{authority}：{source}"
        return on.isoformat(), source

    def row(self, index: int) -> DemoRow:
        rng = self.rng
        kind, prefix = self.kind()
        region, district = self.district()
        grid = f"{region}-{rng.randint(1, GRIDS_PER_DISTRICT):02d}"
        authority = f"{CITY}{district}市场监督管理局"
        address = f"{CITY}{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        licences: tuple[str, ...] = ()
        scale = "micro"
        if kind == "enterprise":
            sector = self.sector()
            place = CITY if rng.random() < 0.6 else district
            name = f"{place}{_trade_name(rng)}{rng.choice(sector.words)}{rng.choice(ORG_FORMS)}"
            industry, licences, departments = sector.code, sector.licences, sector.departments
            scale = self.scale()
            person = _person(rng)
        elif kind == "individual":
            sector = self.shop_sector()
            shop = rng.choice(SHOP_PREFIX) if rng.random() < 0.4 else _trade_name(rng)
            name = f"{district}{shop}{rng.choice(sector.shop_words)}"
            industry, licences, departments = sector.code, sector.licences, sector.departments
            person = _person(rng)
        elif kind == "cooperative":
            industry, crops, departments = rng.choice(COOPERATIVE_SECTORS)
            name = f"{CITY}{district}{rng.choice(VILLAGES)}{rng.choice(crops)}专业合作社"
            licences = ("农产品质量安全承诺达标合格证",)
            person = _person(rng)
        elif kind == "product":
            product, departments, industry = rng.choice(PRODUCTS)
            name = (
                f"{_trade_name(rng)}牌{product}（批次{self.today.year}{rng.randint(1, 9999):04d}）"
            )
            person = ""
            licences = ("工业产品生产许可证",) if product != "化肥" else ("肥料登记证",)
        elif kind == "project":
            project, departments, industry = rng.choice(PROJECTS)
            name = f"{district}{rng.choice(ROADS)}{project}（{rng.randint(1, 9)}期）"
            person = _person(rng)
            licences = ("建筑工程施工许可证",) if "工程" in project else ()
        else:
            behaviour, departments, industry = rng.choice(BEHAVIOURS)
            name = f"{district}{_trade_name(rng)}商贸有限公司{behaviour}"
            person = ""
        code = demo_code(index, kind_prefix=prefix, region=region)
        anomaly = self._flag(ANOMALY, authority=authority) if prefix.isdigit() else (NULL, "")
        serious = self._flag(SERIOUS, authority=authority) if prefix.isdigit() else (NULL, "")
        penalised = self._flag(PENALISED, authority=f"{CITY}市场监督管理局")
        complaint = self._flag(COMPLAINT, authority=f"{CITY}市场监督管理局")
        licence_literal = "{" + ",".join(licences) + "}"
        values = [
            kind,
            code,
            name,
            person,
            address,
            region,
            industry,
            licence_literal,
            scale if prefix.isdigit() else "",
            self.risk(),
            self.status() if prefix.isdigit() else "active",
            authority if prefix.isdigit() else "",
            grid,
            *anomaly,
            *serious,
            *penalised,
            *complaint,
            self.now,
            self.now,
        ]
        roll = rng.random() * 1000
        if roll < UNCLAIMED_PER_MILLE:
            departments = ()
        elif roll < UNCLAIMED_PER_MILLE + DISPUTED_PER_MILLE:
            departments = (*departments, "?")  # a disputed second claim, resolved by the office
        return DemoRow(values, departments)


def _first_code() -> str:
    generator = _Generator(timezone.localdate())
    return generator.row(0).values[1]


def _copy(cursor, table: str, columns, lines: list[str]) -> None:
    buffer = io.StringIO("".join(lines))
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _write(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def build(stdout=None, objects: int = 20_000) -> int:
    """Create the demo registry (unless it is there already); return the number of objects made."""
    created = 0
    if not InspectionObject.objects.filter(code=_first_code()).exists():
        created = build_objects(objects, stdout=stdout)
    else:
        _write(stdout, "检查对象名录库：演示数据已存在，跳过。")
    try:
        inspectors = import_module("registries.inspectors.demo")
    except ModuleNotFoundError as error:
        if error.name != "registries.inspectors.demo":
            raise
    else:
        inspectors.build(stdout=stdout)
    return created


@transaction.atomic
def build_objects(count: int, *, stdout=None) -> int:
    departments = dict(Department.objects.values_list("code", "pk"))
    dispute_pool = [
        code for code in ("SAMR", "COMM", "HEALTH", "EMB", "EEB") if code in departments
    ]
    generator = _Generator(timezone.localdate())
    object_table = InspectionObject._meta.db_table
    supervision_table = ObjectSupervision._meta.db_table
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        # A large build into an empty registry (benchmarks) builds the name indexes once at the
        # end instead of maintaining them row by row: several times faster. The DROP holds an
        # exclusive lock until commit, which is why an empty table is required.
        deferred = count >= DEFER_INDEXES_FROM and not InspectionObject.objects.exists()
        if deferred:
            for name, _definition in NAME_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(
            "CREATE TEMP TABLE demo_supervision (code varchar(32), department_id bigint, status varchar(10))"
            " ON COMMIT DROP"
        )
        for start in range(0, count, CHUNK):
            lines, claims = [], []
            for index in range(start, min(start + CHUNK, count)):
                row = generator.row(index)
                lines.append("\t".join(row.values) + "\n")
                for position, code in enumerate(row.departments):
                    if code == "?":
                        others = [c for c in dispute_pool if c not in row.departments]
                        code, status = (
                            (others[index % len(others)], "disputed") if others else ("", "")
                        )
                    else:
                        status = "claimed"
                    if code in departments and position < 4:
                        claims.append(f"{row.values[1]}\t{departments[code]}\t{status}\n")
            _copy(cursor, object_table, OBJECT_COLUMNS, lines)
            if claims:
                _copy(cursor, "demo_supervision", ("code", "department_id", "status"), claims)
            if count >= 100_000 and stdout is not None:
                _write(stdout, f"  … {min(start + CHUNK, count):,} 个检查对象")
        if deferred:
            for name, definition in NAME_INDEXES:
                cursor.execute(f"CREATE INDEX {name} ON {object_table} {definition}")
        cursor.execute(
            f"INSERT INTO {supervision_table} (inspection_object_id, department_id, status, claimed_at)"
            f" SELECT o.id, s.department_id, s.status, %s FROM demo_supervision s"
            f" JOIN {object_table} o ON o.code = s.code"
            f" ON CONFLICT DO NOTHING",
            [now],
        )
        cursor.execute(f"ANALYZE {object_table}")
        cursor.execute(f"ANALYZE {supervision_table}")
    record_event(
        actor=None,
        action="inspection_object.demo_build",
        details={"objects": count, "seed": SEED},
    )
    _write(stdout, f"检查对象名录库：已生成 {count:,} 个演示检查对象。")
    return count
