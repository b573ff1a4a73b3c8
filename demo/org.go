package demo

import "time"

// Organisation is a whole organisation as plain values: places, offices,
// dispatching units, members and teams.
type Organisation struct {
	City      Place      `json:"city"`
	Counties  []Place    `json:"counties"`
	Townships []Township `json:"townships"`
	Villages  []Village  `json:"villages"`
	Offices   []Office   `json:"offices"`
	Units     []Unit     `json:"units"`
	Members   []Member   `json:"members"`
	Teams     []Team     `json:"teams"`
}

// Place is a city or a county.
type Place struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Township is a township (乡镇) of a county.
type Township struct {
	ID       string `json:"id"`
	CountyID string `json:"county_id"`
	Name     string `json:"name"`
}

// Village is a village (村) of a township.
type Village struct {
	ID         string `json:"id"`
	TownshipID string `json:"township_id"`
	Name       string `json:"name"`
}

// Office is a township committee or a county or city office. CountyID is
// empty for city offices; TownshipID is set only for township committees.
type Office struct {
	ID         string `json:"id"`
	Role       string `json:"role"`
	Name       string `json:"name"`
	CountyID   string `json:"county_id,omitempty"`
	TownshipID string `json:"township_id,omitempty"`
}

// Unit is a dispatching unit (派出单位); CountyID is set for county-level units.
type Unit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Level    string `json:"level"` // city | county
	CountyID string `json:"county_id,omitempty"`
	HeadName string `json:"head_name"` // 一把手
}

// Member is a village-resident cadre.
type Member struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	UnitID         string `json:"unit_id"`
	FirstSecretary bool   `json:"first_secretary"`
}

// Team is the work team of one village: a leader (a first secretary) and
// the other members, all serving from MembershipsFrom, open-ended.
type Team struct {
	ID        string   `json:"id"`
	VillageID string   `json:"village_id"`
	Name      string   `json:"name"`
	Leader    string   `json:"leader"`
	Others    []string `json:"others"`
}

// MembersOf returns the team's member ids, leader first.
func (t Team) MembersOf() []string { return append([]string{t.Leader}, t.Others...) }

// MembershipsFrom is the first day of every demo membership (2025-03-01).
var MembershipsFrom = time.Date(2025, time.March, 1, 0, 0, 0, 0, time.UTC)

// Org is the demo organisation, modelled on 驻马店市: two real counties
// with two real townships each, two (made-up) villages per township, one
// team per village of 3 or 4 members (28 in all) sent by four units.
var Org = Organisation{
	City: Place{ID: "zhumadian", Name: "驻马店市"},
	Counties: []Place{
		{ID: "xiping", Name: "西平县"},
		{ID: "shangcai", Name: "上蔡县"},
	},
	Townships: []Township{
		{ID: "zhuantan", CountyID: "xiping", Name: "专探乡"},
		{ID: "chushan", CountyID: "xiping", Name: "出山镇"},
		{ID: "shaodian", CountyID: "shangcai", Name: "邵店镇"},
		{ID: "huangbu", CountyID: "shangcai", Name: "黄埠镇"},
	},
	Villages: []Village{
		{ID: "zhuantan-xiaowangzhuang", TownshipID: "zhuantan", Name: "小王庄村"},
		{ID: "zhuantan-zhaolou", TownshipID: "zhuantan", Name: "赵楼村"},
		{ID: "chushan-yangzhuang", TownshipID: "chushan", Name: "杨庄村"},
		{ID: "chushan-jiaozhuang", TownshipID: "chushan", Name: "焦庄村"},
		{ID: "shaodian-lizhuang", TownshipID: "shaodian", Name: "李庄村"},
		{ID: "shaodian-houhu", TownshipID: "shaodian", Name: "后湖村"},
		{ID: "huangbu-zhangzhuang", TownshipID: "huangbu", Name: "张庄村"},
		{ID: "huangbu-liuying", TownshipID: "huangbu", Name: "刘营村"},
	},
	Offices: []Office{
		{ID: "zhumadian-org", Role: "city_org_dept", Name: "驻马店市委组织部"},
		{ID: "zhumadian-bureau", Role: "city_bureau", Name: "驻马店市乡村振兴局"},
		{ID: "xiping-org", Role: "county_org_dept", Name: "西平县委组织部", CountyID: "xiping"},
		{ID: "xiping-bureau", Role: "county_bureau", Name: "西平县乡村振兴局", CountyID: "xiping"},
		{ID: "shangcai-org", Role: "county_org_dept", Name: "上蔡县委组织部", CountyID: "shangcai"},
		{ID: "shangcai-bureau", Role: "county_bureau", Name: "上蔡县乡村振兴局", CountyID: "shangcai"},
		{ID: "zhuantan-committee", Role: "township_committee", Name: "专探乡党委", CountyID: "xiping", TownshipID: "zhuantan"},
		{ID: "chushan-committee", Role: "township_committee", Name: "出山镇党委", CountyID: "xiping", TownshipID: "chushan"},
		{ID: "shaodian-committee", Role: "township_committee", Name: "邵店镇党委", CountyID: "shangcai", TownshipID: "shaodian"},
		{ID: "huangbu-committee", Role: "township_committee", Name: "黄埠镇党委", CountyID: "shangcai", TownshipID: "huangbu"},
	},
	Units: []Unit{
		{ID: "city-agri", Name: "驻马店市农业农村局", Level: "city", HeadName: "王志刚"},
		{ID: "city-finance", Name: "驻马店市财政局", Level: "city", HeadName: "刘振华"},
		{ID: "xiping-edu", Name: "西平县教育局", Level: "county", CountyID: "xiping", HeadName: "陈国庆"},
		{ID: "shangcai-health", Name: "上蔡县卫生健康委员会", Level: "county", CountyID: "shangcai", HeadName: "孙立新"},
	},
	Members: []Member{
		// 西平县 (xiping): city units and 西平县教育局
		{ID: "m01", Name: "王建国", UnitID: "city-agri", FirstSecretary: true},
		{ID: "m02", Name: "李秀英", UnitID: "city-finance"},
		{ID: "m03", Name: "张伟", UnitID: "xiping-edu"},
		{ID: "m04", Name: "刘洋", UnitID: "xiping-edu"},
		{ID: "m05", Name: "陈静", UnitID: "xiping-edu", FirstSecretary: true},
		{ID: "m06", Name: "杨帆", UnitID: "city-agri"},
		{ID: "m07", Name: "赵磊", UnitID: "xiping-edu"},
		{ID: "m08", Name: "黄敏", UnitID: "city-finance", FirstSecretary: true},
		{ID: "m09", Name: "周强", UnitID: "xiping-edu"},
		{ID: "m10", Name: "吴芳", UnitID: "xiping-edu"},
		{ID: "m11", Name: "徐明", UnitID: "city-agri"},
		{ID: "m12", Name: "孙丽", UnitID: "xiping-edu", FirstSecretary: true},
		{ID: "m13", Name: "马超", UnitID: "city-finance"},
		{ID: "m14", Name: "朱红", UnitID: "xiping-edu"},
		// 上蔡县 (shangcai): city units and 上蔡县卫生健康委员会
		{ID: "m15", Name: "胡军", UnitID: "city-agri", FirstSecretary: true},
		{ID: "m16", Name: "郭涛", UnitID: "shangcai-health"},
		{ID: "m17", Name: "何平", UnitID: "shangcai-health"},
		{ID: "m18", Name: "高峰", UnitID: "city-finance"},
		{ID: "m19", Name: "林娜", UnitID: "shangcai-health", FirstSecretary: true},
		{ID: "m20", Name: "罗斌", UnitID: "city-agri"},
		{ID: "m21", Name: "郑华", UnitID: "shangcai-health"},
		{ID: "m22", Name: "梁勇", UnitID: "city-finance", FirstSecretary: true},
		{ID: "m23", Name: "谢婷", UnitID: "shangcai-health"},
		{ID: "m24", Name: "宋杰", UnitID: "shangcai-health"},
		{ID: "m25", Name: "唐亮", UnitID: "city-agri"},
		{ID: "m26", Name: "韩雪", UnitID: "shangcai-health", FirstSecretary: true},
		{ID: "m27", Name: "冯刚", UnitID: "city-finance"},
		{ID: "m28", Name: "曹颖", UnitID: "shangcai-health"},
	},
	Teams: []Team{
		{ID: "zhuantan-xiaowangzhuang-team", VillageID: "zhuantan-xiaowangzhuang", Name: "小王庄村驻村工作队", Leader: "m01", Others: []string{"m02", "m03", "m04"}},
		{ID: "zhuantan-zhaolou-team", VillageID: "zhuantan-zhaolou", Name: "赵楼村驻村工作队", Leader: "m05", Others: []string{"m06", "m07"}},
		{ID: "chushan-yangzhuang-team", VillageID: "chushan-yangzhuang", Name: "杨庄村驻村工作队", Leader: "m08", Others: []string{"m09", "m10", "m11"}},
		{ID: "chushan-jiaozhuang-team", VillageID: "chushan-jiaozhuang", Name: "焦庄村驻村工作队", Leader: "m12", Others: []string{"m13", "m14"}},
		{ID: "shaodian-lizhuang-team", VillageID: "shaodian-lizhuang", Name: "李庄村驻村工作队", Leader: "m15", Others: []string{"m16", "m17", "m18"}},
		{ID: "shaodian-houhu-team", VillageID: "shaodian-houhu", Name: "后湖村驻村工作队", Leader: "m19", Others: []string{"m20", "m21"}},
		{ID: "huangbu-zhangzhuang-team", VillageID: "huangbu-zhangzhuang", Name: "张庄村驻村工作队", Leader: "m22", Others: []string{"m23", "m24", "m25"}},
		{ID: "huangbu-liuying-team", VillageID: "huangbu-liuying", Name: "刘营村驻村工作队", Leader: "m26", Others: []string{"m27", "m28"}},
	},
}
