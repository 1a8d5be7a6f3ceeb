"""Seed content of the self-check checklists (venues.checklists) for the town's "nine small
places" (九小场所) programme: the groups and items a shop owner answers 是/否, in plain Simplified
Chinese. Each item says what good looks like and, in our own words, the law or standard behind it
(消防法, 安全生产法, 城镇燃气管理条例, GB 55036 and the related national standards, the rules of the
Ministry of Public Security on fire safety management and on parking and charging e-bikes).

The town emergency office edits the items in the admin afterwards; this module only holds the first
version, so a data migration or management command can load it. It imports nothing from Django:
run it with plain Python to check the content (``python3 venues/checklist_seed.py``).

Conventions: "是" always means the place is in order; ``allow_not_applicable`` is True only where
the item may truly not apply (for example gas items where no gas is used); ``severity`` "major"
marks a 重大 hazard (people sleeping in the premises, exits locked, e-bikes charged indoors, ...).
"""

import re

# Kind slugs: shopping 购物场所, catering 餐饮场所, lodging 住宿场所, entertainment 公共娱乐场所,
# leisure 休闲健身场所, medical 医疗场所, education 教学场所, production 生产加工企业,
# hazardous 易燃易爆危险品销售储存场所.
ALL_KINDS = ["shopping", "catering", "lodging", "entertainment", "leisure", "medical", "education",
             "production", "hazardous"]

GROUPS = [  # (code, 中文 name), in the order shown
    ("fire_equipment", "消防器材"),
    ("evacuation", "安全疏散"),
    ("living", "住人与分隔"),
    ("ebike", "电动自行车"),
    ("electrical", "用电安全"),
    ("building", "建筑与装修"),
    ("gas", "燃气安全"),
    ("kitchen", "厨房与烟道"),
    ("special", "场所专项"),
    ("hazardous_goods", "易燃易爆物品"),
    ("management", "责任与培训"),
]

ITEMS = [
    # 消防器材
    {
        "code": "extinguishers_present",
        "group": "fire_equipment",
        "question": "店里是否配有灭火器，种类对路、数量够用，放在显眼、伸手就能拿到的地方？",
        "guidance": (
            "一般每层至少放2具手提式灭火器，面积大的按当地要求增配；普通场所选ABC干粉或水基型，"
            "厨房另备灭火毯。灭火器放在出口、过道旁等显眼处，不锁进柜子、不被货物挡住。"
        ),
        "basis": (
            "《消防法》第十六条：单位要按国家标准配置消防器材，并定期检验维修、保持完好有效；"
            "GB 55036《消防设施通用规范》：灭火器类型要与可能发生的火灾种类相适应，放在明显、"
            "便于取用且不妨碍疏散的位置。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "extinguisher_condition",
        "group": "fire_equipment",
        "question": "灭火器压力表指针是否在绿色区域，瓶身完好，并且没有超过维修和报废期限？",
        "guidance": (
            "每月看一次：指针在绿区，保险销和铅封完好，喷管不老化开裂，瓶身不锈蚀变形。"
            "干粉灭火器出厂满5年要送有资质的单位维修，满10年报废；水基型出厂满6年报废。指针在红区或过期的，"
            "要及时维修或更换。"
        ),
        "basis": (
            "《消防法》第十六条：消防器材应定期检验、维修，确保完好有效；《建筑灭火器配置验收及检查规范》"
            "（GB 50444）对灭火器的每月检查、定期维修和到期报废作了规定。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    # 安全疏散
    {
        "code": "exits_clear",
        "group": "evacuation",
        "question": "安全出口、疏散通道和楼梯是否畅通，没有堆放货物、杂物或停放车辆？",
        "guidance": (
            "门口、过道、楼梯保持足够的通行宽度，不摆货架、桌椅、纸箱，不堆杂物。门外也要留出空地，"
            "保证门能完全打开、人能很快出去。"
        ),
        "basis": (
            "《消防法》第二十八条：不得占用、堵塞、封闭疏散通道和安全出口；《安全生产法》第四十二条："
            "生产经营场所的出口、疏散通道要标志明显、保持畅通。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "exits_unlocked",
        "group": "evacuation",
        "question": "营业、生产或有人在里面时，安全出口和疏散门是否都没有上锁，没有用链条、插销锁住？",
        "guidance": (
            "有人在场时，所有疏散门都要能从里面不用钥匙一推就开；需要防盗的，可以装推杠式逃生门锁。"
            "卷帘门不能当作唯一的出口。"
        ),
        "basis": (
            "《安全生产法》第四十二条：禁止锁闭、封堵生产经营场所和员工宿舍的出口、疏散通道；公安部令第61号："
            "严禁在营业、生产、教学期间把安全出口上锁或遮挡。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ALL_KINDS,
    },
    {
        "code": "emergency_lighting",
        "group": "evacuation",
        "question": "应急照明灯和“安全出口”、疏散指示标志是否完好，断电或按测试键后能亮？",
        "guidance": (
            "出口上方有“安全出口”标志，过道有指向出口的箭头标志，不被广告、货物遮挡。"
            "每月按一次测试键或拉闸试一试，应急灯应能持续点亮，不亮的及时修理或更换。"
        ),
        "basis": (
            "《消防法》第十六条：单位应设置消防安全标志并保持完好有效；公安部令第61号："
            "单位应设置符合规定的疏散指示标志和应急照明，并保持正常状态。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "window_grilles",
        "group": "evacuation",
        "question": "窗户装的防盗窗、防盗网，是否留有能从里面打开的逃生口？",
        "guidance": (
            "防盗窗（网）要留一个能从屋里用手直接打开、大人能钻出去的逃生口，平时不上锁或把钥匙挂在旁边；"
            "外墙广告牌不封住窗户。没有装防盗窗的选“不涉及”。"
        ),
        "basis": "《消防法》第二十八条：人员密集场所的门窗不得设置影响逃生和灭火救援的障碍物。",
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    # 住人与分隔
    {
        "code": "no_sleeping_in_premises",
        "group": "living",
        "question": "店面、车间、仓库里是否没有人住宿或过夜（没有“三合一”）？",
        "guidance": (
            "“三合一”是指住人和经营、生产、储存混在同一个空间里。店内、阁楼、夹层、仓库里不能搭床住人，"
            "值班人员也不能睡在货物中间；需要住人的，要搬到与经营部分完全隔开的地方。"
        ),
        "basis": (
            "《消防法》第十九条、第六十一条：经营、储存场所与居住场所在同一建筑内的，必须符合消防技术标准，"
            "否则责令停产停业并罚款；《住宿与生产储存经营合用场所消防安全技术要求》（XF 703）。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ALL_KINDS,
    },
    {
        "code": "living_separated",
        "group": "living",
        "question": (
            "如果同一栋楼里有住人的地方，住人部分是否用不开门窗的实体墙和楼板与经营部分完全隔开，"
            "并有自己单独的出口？"
        ),
        "guidance": (
            "住人部分与店面、车间、仓库之间用砖墙、混凝土楼板完全隔开，墙上不开门窗洞口；"
            "住人部分有单独的楼梯或出口，逃生时不用穿过店面、车间，最好再装独立式烟感报警器。"
            "楼里没有住人的选“不涉及”。"
        ),
        "basis": (
            "《消防法》第十九条：经营、储存其他物品的场所与居住场所在同一建筑内的，应符合消防技术标准；"
            "XF 703要求住宿部分与经营、生产、储存部分完全分隔，并有独立的疏散设施。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["shopping", "catering", "lodging", "entertainment", "leisure", "medical", "education",
                  "production"],
    },
    {
        "code": "dormitory_separate",
        "group": "living",
        "question": "员工宿舍是否没有和车间、仓库混在同一栋楼里（确需同楼的，已完全隔开并有单独出口）？",
        "guidance": (
            "宿舍最好单独成栋；确需同楼的，按上一条用实体墙、楼板完全隔开，并设单独的出口和楼梯。车间、"
            "仓库使用或存放油漆、稀释剂、酒精等易燃易爆物品的，宿舍不得设在同一栋楼里，隔开了也不行。"
            "没有员工宿舍的选“不涉及”。"
        ),
        "basis": (
            "《安全生产法》第四十二条：生产、经营、储存、使用危险物品的车间、"
            "仓库不得与员工宿舍在同一座建筑物内，并应保持安全距离；《消防法》第十九条。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["production"],
    },
    {
        "code": "hazardous_no_living",
        "group": "living",
        "question": "经营、存放易燃易爆物品的这栋楼里，是否没有任何人居住？",
        "guidance": (
            "和普通店铺不同，易燃易爆物品的经营、储存场所不能和住人的地方在同一栋楼里，用墙隔开也不行，"
            "还要与住宅保持安全距离。看守人员应在楼外单独的值班室休息。"
        ),
        "basis": (
            "《消防法》第十九条：生产、储存、经营易燃易爆危险品的场所不得与居住场所设在同一建筑物内，"
            "并应与居住场所保持安全距离；《重大火灾隐患判定方法》（GB 35181）将其列为重大火灾隐患。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["hazardous"],
    },
    # 电动自行车
    {
        "code": "ebike_not_indoors",
        "group": "ebike",
        "question": "店内、宿舍、走道、楼梯间和出口处，是否没有停放电动自行车，也没有给车或电池充电？",
        "guidance": (
            "电动自行车停在室外或专门的车棚，在有定时断电功能的充电桩充电；不把电池拎进屋里充，"
            "不从窗户“飞线”充电。车辆和电池要用合格产品，不私自改装，不换来路不明的电池。"
        ),
        "basis": (
            "公安部关于规范电动车停放充电的通告：禁止在建筑内的共用走道、楼梯间、"
            "安全出口等公共区域停放电动车或充电；车辆应符合《电动自行车安全技术规范》（GB 17761）。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ALL_KINDS,
    },
    # 用电安全
    {
        "code": "wiring_in_conduit",
        "group": "electrical",
        "question": "电线是否都穿管或走线槽，没有私拉乱接、随手拉的明线和裸露的接头？",
        "guidance": (
            "线路请持证电工安装，穿阻燃管或金属管敷设，经过可燃吊顶、货架处要有保护；不随手拉花线、双绞线，"
            "接头包好并放进接线盒。老化、发热、有焦痕的电线及时更换。"
        ),
        "basis": (
            "《消防法》第二十七条：电器产品的安装、使用及其线路的敷设、维护保养，"
            "必须符合消防技术标准和管理规定。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "residual_current_breaker",
        "group": "electrical",
        "question": "配电箱里是否装有漏电保护器（漏电开关），按“试验”按钮能正常跳闸？",
        "guidance": (
            "总开关或插座回路装有漏电保护器，每月按一次“T”或“试验”按钮，能跳闸说明正常。配电箱有箱门、"
            "周围不堆可燃物，不用铜丝、铁丝代替保险丝。"
        ),
        "basis": (
            "《消防法》第二十七条；《剩余电流动作保护装置安装和运行》（GB/T 13955）要求插座回路、"
            "手持和移动电器等按规定装设漏电保护器。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "no_overloaded_sockets",
        "group": "electrical",
        "question": "是否没有插线板接插线板的串接用法，大功率电器（电磁炉、电暖器、热水器）各自用固定插座？",
        "guidance": (
            "一个插线板不再接另一个插线板，一个插座不同时带几个大功率电器；插线板选有3C标志的合格产品。"
            "插线板不放在潮湿处或压在货物下面，离店时拔掉插头。"
        ),
        "basis": (
            "《消防法》第二十七条：电器的使用及线路的维护保养应符合消防技术标准和管理规定，不得超负荷用电。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    # 建筑与装修
    {
        "code": "no_foam_sandwich_panels",
        "group": "building",
        "question": "隔墙、吊顶、阁楼和搭建的夹层，是否没有使用中间夹泡沫的彩钢板？",
        "guidance": (
            "泡沫夹芯彩钢板着火后烧得快、烟毒大、难扑救，已有的要拆除，或换成芯材为A级不燃材料的板材、砖墙、"
            "石膏板。看板材切口：白色或黄色泡沫的不合格，纤维状的岩棉、玻璃棉一般合格，以检测报告为准。"
        ),
        "basis": (
            "《重大火灾隐患判定方法》（GB 35181）：人员密集场所的居住场所用芯材低于A级的彩钢夹芯板搭建属重大"
            "火灾隐患；《消防法》第二十六条：建筑和装修材料的防火性能应符合国家标准。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ALL_KINDS,
    },
    {
        "code": "decoration_noncombustible",
        "group": "building",
        "question": "墙面、吊顶、隔断的装修是否用不燃或难燃材料，没有大面积使用海绵、泡沫、木板、布幔？",
        "guidance": (
            "顶棚和墙面用石膏板、矿棉板、金属板等不燃材料，吸音材料不用普通海绵、泡沫；窗帘、布艺选阻燃产品，"
            "不用塑料花、纸质装饰大面积装饰。"
        ),
        "basis": (
            "《消防法》第二十六条：人员密集场所室内装修应按消防技术标准使用不燃、难燃材料；"
            "《建筑内部装修设计防火规范》（GB 50222）规定了各部位材料的燃烧性能等级。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["shopping", "catering", "lodging", "entertainment", "leisure", "medical", "education"],
    },
    # 燃气安全
    {
        "code": "gas_alarm_catering",
        "group": "gas",
        "question": "使用燃气的厨房，是否装有可燃气体报警器，并且能正常报警？",
        "guidance": (
            "用天然气的，报警器装在靠近屋顶处；用液化气的，装在靠近地面处，都不要离灶具、气瓶太远。"
            "报警器在使用年限内，每月按自检键试一次，最好与自动切断阀联动。全部用电、不用燃气的选“不涉及”。"
        ),
        "basis": (
            "《安全生产法》第三十六条：餐饮等行业的经营单位使用燃气的，应当安装可燃气体报警装置，"
            "并保证其正常使用。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["catering"],
    },
    {
        "code": "gas_alarm_other",
        "group": "gas",
        "question": "使用燃气（天然气、液化气）的地方，是否装有可燃气体报警器，并且能正常报警？",
        "guidance": (
            "员工食堂、茶水间、灶间等用气的地方也应装报警器，安装位置和测试方法与餐饮厨房相同。"
            "不使用燃气的选“不涉及”。"
        ),
        "basis": (
            "《城镇燃气管理条例》第二十七条：燃气用户应遵守安全用气规则；《安全生产法》"
            "第三十六条要求餐饮等行业用气必须装可燃气体报警装置，其他用气场所参照执行。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["shopping", "lodging", "entertainment", "leisure", "medical", "education", "production",
                  "hazardous"],
    },
    {
        "code": "gas_cylinders_safe",
        "group": "gas",
        "question": "液化气瓶是否直立放置、数量不超过规定，并且没有放在地下室、半地下室？",
        "guidance": (
            "气瓶直立并固定防倒，离灶具有一定距离，不倒放、不用热水烫、不倒残液。店内只放当天用的气瓶，"
            "备用瓶和空瓶按当地规定数量放在通风的独立气瓶间；地下室、半地下室严禁使用和存放液化气。"
            "用管道燃气或不用燃气的选“不涉及”。"
        ),
        "basis": (
            "《城镇燃气管理条例》第二十八条：不得在不具备安全条件的场所使用、储存燃气；《燃气工程项目规范》"
            "（GB 55009）：液化气等比空气重的燃气，其管道和燃具不得设在地下室、半地下室。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ALL_KINDS,
    },
    {
        "code": "gas_hoses",
        "group": "gas",
        "question": (
            "连接灶具的燃气软管是否是金属波纹管或未过期的专用燃气软管，没有老化开裂、没有穿墙穿门窗？"
        ),
        "guidance": (
            "最好用带螺纹接口的金属波纹管；用橡胶软管的，要用燃气专用管，两头用管卡卡紧，长度一般不超过2米、"
            "中间没有接头。老化、龟裂或超过使用年限的及时更换，不私自改装、拆装燃气管道和表具。"
            "不使用燃气的选“不涉及”。"
        ),
        "basis": (
            "《城镇燃气管理条例》第二十七条、第二十八条：用户应使用合格的燃具和连接管，及时更换到期的连接管，"
            "不得擅自安装、改装、拆除户内燃气设施。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "gas_shutoff_valve",
        "group": "gas",
        "question": "燃气管道或气瓶是否有随手能关的阀门，员工知道阀门在哪里、怎么关？",
        "guidance": (
            "阀门位置明显、不被杂物挡住；闻到燃气味时，先关阀门、开窗通风，不开关电器、不打电话，"
            "到室外再报警。餐饮厨房最好装与报警器联动的紧急切断阀。不使用燃气的选“不涉及”。"
        ),
        "basis": (
            "《城镇燃气管理条例》第二十七条：单位燃气用户应建立安全管理制度，"
            "培训操作人员掌握燃气安全知识和操作技能。"
        ),
        "allow_not_applicable": True,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    # 厨房与烟道
    {
        "code": "flue_cleaned",
        "group": "kitchen",
        "question": "灶台上方的排油烟罩和烟道是否定期清洗，没有厚厚的油垢？",
        "guidance": (
            "油烟罩、过滤网经常擦洗，烟道请专业单位定期清洗（一般每季度至少一次），留好清洗记录或发票。"
            "灶台周围不堆纸箱、油桶等可燃物，油锅加热时不离人。"
        ),
        "basis": (
            "《消防法》第十六条：单位应组织防火检查、及时消除火灾隐患；《人员密集场所消防安全管理》"
            "（GB/T 40248）要求餐饮场所定期清洗厨房排油烟管道。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["catering"],
    },
    {
        "code": "kitchen_separated",
        "group": "kitchen",
        "question": "厨房是否用墙和门与用餐区隔开，明火灶具没有摆在用餐区或门口？",
        "guidance": (
            "厨房与大堂之间用实体墙隔开，门平时关好；不在就餐区、店门口用明火炉灶加工食品。"
            "桌上使用的卡式炉气罐不在就餐区成箱存放。"
        ),
        "basis": (
            "《建筑设计防火规范》（GB 50016）：除住宅套内厨房外，建筑内的厨房应用防火隔墙与其他部位分隔，"
            "墙上的门窗采用乙级防火门窗。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["catering"],
    },
    # 场所专项
    {
        "code": "night_patrol",
        "group": "special",
        "question": "夜间是否每两小时巡查一次，并在巡查记录上写明时间、签名？",
        "guidance": (
            "值班人员夜里重点查看走道、楼梯、出口是否畅通，有没有烟味、焦味，有没有人在房间吸烟、"
            "用电炉或给电池充电。发现问题马上处理并报告负责人。"
        ),
        "basis": (
            "公安部令第61号第二十五条：公众聚集场所营业期间至少每两小时巡查一次，医院、"
            "养老院等应当加强夜间防火巡查。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ["lodging", "medical"],
    },
    {
        "code": "room_evacuation_plan",
        "group": "special",
        "question": "每间客房、病房（住人的房间）门后是否贴有疏散示意图，标明所在位置和逃生路线？",
        "guidance": (
            "示意图标出“您在这里”、最近的两个出口方向和灭火器位置，字大、图清楚。值班员工熟悉路线，"
            "知道着火时如何叫醒、引导住客，并优先帮助老人、病人和行动不便的人撤离。"
        ),
        "basis": (
            "《消防法》第十六条：单位应制定灭火和应急疏散预案，设置消防安全标志；"
            "公安部令第61号要求员工掌握组织、引导在场人员疏散的方法。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["lodging", "medical"],
    },
    {
        "code": "occupant_limit",
        "group": "special",
        "question": "营业时场内人数是否没有超过核定的最多人数？",
        "guidance": (
            "在门口公示本场所最多能容纳的人数，人多时限流排队；包厢、房间不超员。节假日和搞活动时，"
            "安排专人在出口引导。"
        ),
        "basis": (
            "《消防法》第二十八条、《娱乐场所管理条例》：营业期间应保证疏散通道、安全出口畅通；"
            "人员密集场所应按消防设计的容纳人数控制在场人数。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ["entertainment", "leisure"],
    },
    {
        "code": "drills_each_term",
        "group": "special",
        "question": "每学期是否至少组织一次全体师生参加的疏散演练，并留有记录？",
        "guidance": (
            "演练前讲清路线，演练时按疏散路线有序撤到空旷处并清点人数；记录时间、人数和发现的问题，及时改进。"
            "校外培训机构、托管班也要按期演练。"
        ),
        "basis": (
            "《消防法》第十六条：单位应组织有针对性的消防演练；教育部门要求中小学、"
            "幼儿园定期开展应急疏散演练。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ["education"],
    },
    {
        "code": "children_rooms_location",
        "group": "special",
        "question": (
            "幼儿、学生上课和活动的房间，是否没有设在地下室、半地下室，幼儿用房也没有设在四层及以上？"
        ),
        "guidance": (
            "托儿所、幼儿园的儿童用房最好设在独立的楼里，设在一、二级耐火等级的楼内时一般不超过三层；"
            "设在高层楼内的，要有单独的安全出口和疏散楼梯。学生上课的教室也不要设在地下室、半地下室。"
        ),
        "basis": (
            "《建筑设计防火规范》（GB 50016）：儿童活动场所不应设在地下或半地下，所在楼层有限制；"
            "《重大火灾隐患判定方法》（GB 35181）将儿童用房楼层位置不符合规定列为重大火灾隐患。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["education"],
    },
    # 易燃易爆物品
    {
        "code": "flammables_stored_apart",
        "group": "hazardous_goods",
        "question": "油漆、稀释剂、酒精、胶水等易燃原料，是否单独存放，车间里只留当班用量？",
        "guidance": (
            "易燃原料放在通风、阴凉、远离火源电源的专用仓库或储存柜里，桶盖拧紧，空桶及时清走。"
            "车间内不大量堆放泡沫、布料、纸箱等可燃物；电焊、切割前先清走周围可燃物，并有人看护。"
        ),
        "basis": (
            "《安全生产法》第三十九条：使用、储存危险物品必须执行国家标准并采取可靠的安全措施；《消防法》"
            "第二十三条：使用易燃易爆危险品、储存可燃物资必须执行消防技术标准。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["production"],
    },
    {
        "code": "hazardous_within_limits",
        "group": "hazardous_goods",
        "question": "店内和仓库存放的易燃易爆物品，品种和数量是否没有超过许可证或备案允许的范围？",
        "guidance": (
            "对照经营许可证（备案）核对品种和最大存量，店面只摆样品或少量货，大量的放在专用仓库。不经营、"
            "不存放许可范围以外的危险品，不在商场、市场等人员密集场所违规储存、销售易燃易爆物品。"
        ),
        "basis": (
            "《危险化学品安全管理条例》：危险化学品的储存方式、方法和数量应符合国家标准；"
            "《重大火灾隐患判定方法》（GB 35181）：在人员密集场所违规储存、销售易燃易爆危险品属重大火灾隐患。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "major",
        "kinds": ["hazardous"],
    },
    {
        "code": "hazardous_separated",
        "group": "hazardous_goods",
        "question": "不同类别的危险品是否分类分开存放，互相会起反应的（如氧化剂和易燃物）没有混放？",
        "guidance": (
            "按易燃液体、易燃气体、氧化剂、腐蚀品等分类分区存放，贴上品名标签；氧化剂与易燃物、酸与碱、"
            "气瓶与油类分开放。货架牢固，堆放不超高，离墙、离灯具留出距离。"
        ),
        "basis": (
            "《危险化学品安全管理条例》第二十四条：危险化学品应储存在专用仓库、场地或储存室内，"
            "储存方式和数量符合国家标准；《危险化学品仓库储存通则》（GB 15603）规定禁忌物品不得混存。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["hazardous"],
    },
    {
        "code": "hazardous_no_fire",
        "group": "hazardous_goods",
        "question": "店门口和仓库是否贴有“严禁烟火”标志，店内没有人吸烟、没有使用明火？",
        "guidance": (
            "入口和仓库门口贴醒目的“严禁烟火”标志，员工和顾客不在店内外吸烟，不用电炉、蚊香、"
            "蜡烛等明火或高温器具。需要动火维修时，先办审批手续并清走物品。"
        ),
        "basis": (
            "《消防法》第二十一条：禁止在有火灾、爆炸危险的场所吸烟、使用明火；因特殊情况需要动火的，"
            "应事先办理审批。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["hazardous"],
    },
    {
        "code": "hazardous_antistatic",
        "group": "hazardous_goods",
        "question": "是否有防静电措施，例如金属货架和容器接地、门口有人体静电释放器？",
        "guidance": (
            "存放易燃液体、气体的地方，金属货架和容器要接地，入口设人体静电释放装置，分装倒灌时慢倒并接地；"
            "员工不穿化纤衣服。电气开关和灯具用防爆型，不在店内给手机、电动车充电。"
        ),
        "basis": (
            "《消防法》第二十三条：销售、储存易燃易爆危险品必须执行消防技术标准和管理规定，包括防静电、"
            "防爆电气等国家标准的要求。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": True,
        "severity": "general",
        "kinds": ["hazardous"],
    },
    # 责任与培训
    {
        "code": "safety_manager_named",
        "group": "management",
        "question": "是否明确了本店的消防安全责任人和管理人，并写进制度或张贴上墙？",
        "guidance": (
            "店主（主要负责人）是消防安全责任人，可以再指定一名管理人负责日常检查、培训和隐患整改。"
            "在店内公示两人的姓名和电话，换人时及时更新。"
        ),
        "basis": (
            "《消防法》第十六条：单位的主要负责人是本单位的消防安全责任人；《安全生产法》第五条、第二十四条："
            "主要负责人全面负责，并应配备专职或兼职的安全管理人员。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "staff_trained",
        "group": "management",
        "question": "每名员工是否都会用灭火器、会拨打119报警、知道从哪里疏散？",
        "guidance": (
            "新员工上岗前先培训，全体员工每半年至少培训一次，做到会报警、会扑救初起火灾、会引导顾客疏散、"
            "会自救逃生。可以随机问一名员工，请他说出最近的出口和灭火器在哪里。"
        ),
        "basis": (
            "《消防法》第十六条、《安全生产法》第二十八条：单位应对从业人员进行安全和消防教育培训；"
            "公安部令第61号要求公众聚集场所至少每半年培训一次员工。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
    {
        "code": "daily_fire_check",
        "group": "management",
        "question": "每天关门离开前，是否检查一遍关电、关气、没有遗留火种，并做好记录？",
        "guidance": (
            "离开前查看：不用的电器已断电，燃气阀门已关，烟头、炉火已熄灭，出口畅通，没有电动车在屋里充电。"
            "可用一张简单的“每日防火巡查表”打勾记录，发现问题当天处理。"
        ),
        "basis": (
            "《消防法》第十六条：单位应组织防火检查，及时消除火灾隐患；公安部令第61号第二十五条："
            "营业结束时应检查营业现场，消除遗留火种。"
        ),
        "allow_not_applicable": False,
        "photo_required_on_fail": False,
        "severity": "general",
        "kinds": ALL_KINDS,
    },
]


# The limits the self-check enforces (the model allows more; these keep the form readable).
MAX_CODE = 40
MAX_QUESTION = 120
MAX_GUIDANCE = 300
MAX_BASIS = 200
MAX_GUIDANCE_SENTENCES = 3
MIN_ITEMS_PER_KIND = 12
SEVERITIES = ("general", "major")
FIELDS = {"code", "group", "question", "guidance", "basis", "allow_not_applicable", "photo_required_on_fail",
          "severity", "kinds"}
CODE_PATTERN = re.compile(r"[a-z0-9_]+")


def self_check():
    """Check the seed content. Returns the number of items per kind; raises ValueError listing every
    problem found."""
    problems = []
    group_codes = [code for code, _name in GROUPS]
    if len(set(group_codes)) != len(group_codes):
        problems.append("duplicate group codes")
    for code, name in GROUPS:
        if not CODE_PATTERN.fullmatch(code) or len(code) > MAX_CODE or not name or len(name) > 50:
            problems.append(f"group {code!r}: bad code or name")
    seen = set()
    for item in ITEMS:
        code = item.get("code", "")
        if set(item) != FIELDS:
            problems.append(f"{code}: fields differ: {sorted(set(item) ^ FIELDS)}")
            continue
        if code in seen:
            problems.append(f"{code}: duplicate code")
        seen.add(code)
        if not CODE_PATTERN.fullmatch(code) or len(code) > MAX_CODE:
            problems.append(f"{code}: code must be [a-z0-9_], at most {MAX_CODE} characters")
        if item["group"] not in group_codes:
            problems.append(f"{code}: unknown group {item['group']!r}")
        question, guidance, basis = item["question"], item["guidance"], item["basis"]
        if not question or len(question) > MAX_QUESTION:
            problems.append(f"{code}: question is {len(question)} characters (at most {MAX_QUESTION})")
        if question.count("？") != 1 or not question.endswith("？"):
            problems.append(f"{code}: the question must be one question ending in ？")
        if not guidance or len(guidance) > MAX_GUIDANCE:
            problems.append(f"{code}: guidance is {len(guidance)} characters (at most {MAX_GUIDANCE})")
        if not 1 <= guidance.count("。") <= MAX_GUIDANCE_SENTENCES or not guidance.endswith("。"):
            problems.append(f"{code}: guidance must be 1 to {MAX_GUIDANCE_SENTENCES} sentences")
        if not basis or len(basis) > MAX_BASIS:
            problems.append(f"{code}: basis is {len(basis)} characters (at most {MAX_BASIS})")
        for flag in ("allow_not_applicable", "photo_required_on_fail"):
            if not isinstance(item[flag], bool):
                problems.append(f"{code}: {flag} must be True or False")
        if item["severity"] not in SEVERITIES:
            problems.append(f"{code}: severity must be one of {SEVERITIES}")
        kinds = item["kinds"]
        if not kinds or len(set(kinds)) != len(kinds) or not set(kinds) <= set(ALL_KINDS):
            problems.append(f"{code}: kinds must be a non-empty list of known kind slugs")
    counts = {kind: sum(kind in item.get("kinds", ()) for item in ITEMS) for kind in ALL_KINDS}
    for kind, count in counts.items():
        if count < MIN_ITEMS_PER_KIND:
            problems.append(f"kind {kind}: only {count} items (at least {MIN_ITEMS_PER_KIND})")
    if problems:
        raise ValueError("\n".join(problems))
    return counts


if __name__ == "__main__":
    for kind, count in self_check().items():
        print(f"{kind}: {count}")
    print(f"items: {len(ITEMS)}")
