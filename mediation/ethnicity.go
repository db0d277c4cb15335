package mediation

import "fmt"

// Ethnicity is a party's ethnic group (民族) as the application and the
// agreement state it: its code in GB 3304 (中国各民族名称的罗马字母拼写法和
// 代码), the standard the resident identity system uses. The zero value is
// unstated. Stored values are these codes, so they never change.
type Ethnicity uint8

// ethnicities are GB 3304's names, indexed by code: the 56 ethnic groups,
// 01 to 56 in the standard's order, then 97 for a group not yet
// identified and 98 for Chinese citizens of foreign origin.
var ethnicities = map[Ethnicity]string{
	1: "汉族", 2: "蒙古族", 3: "回族", 4: "藏族", 5: "维吾尔族", 6: "苗族", 7: "彝族", 8: "壮族",
	9: "布依族", 10: "朝鲜族", 11: "满族", 12: "侗族", 13: "瑶族", 14: "白族", 15: "土家族", 16: "哈尼族",
	17: "哈萨克族", 18: "傣族", 19: "黎族", 20: "傈僳族", 21: "佤族", 22: "畲族", 23: "高山族", 24: "拉祜族",
	25: "水族", 26: "东乡族", 27: "纳西族", 28: "景颇族", 29: "柯尔克孜族", 30: "土族", 31: "达斡尔族", 32: "仫佬族",
	33: "羌族", 34: "布朗族", 35: "撒拉族", 36: "毛南族", 37: "仡佬族", 38: "锡伯族", 39: "阿昌族", 40: "普米族",
	41: "塔吉克族", 42: "怒族", 43: "乌孜别克族", 44: "俄罗斯族", 45: "鄂温克族", 46: "德昂族", 47: "保安族", 48: "裕固族",
	49: "京族", 50: "塔塔尔族", 51: "独龙族", 52: "鄂伦春族", 53: "赫哲族", 54: "门巴族", 55: "珞巴族", 56: "基诺族",
	97: "其他", 98: "外国血统中国籍人士",
}

// Han is the code of 汉族, the group of most parties a township sees.
const Han Ethnicity = 1

// Valid reports whether e is unstated or a code of GB 3304.
func (e Ethnicity) Valid() bool {
	_, ok := ethnicities[e]
	return e == 0 || ok
}

// String returns the group's name as GB 3304 writes it, "" when unstated.
func (e Ethnicity) String() string {
	if e == 0 {
		return ""
	}
	if name, ok := ethnicities[e]; ok {
		return name
	}
	return fmt.Sprintf("ethnicity(%d)", e)
}

// ParseEthnicity reads an ethnic group's name as GB 3304 writes it
// ("汉族", "蒙古族"), or without its closing 族 as forms often ask for it
// ("汉", "蒙古"). An empty name is unstated.
func ParseEthnicity(s string) (Ethnicity, error) {
	if s == "" {
		return 0, nil
	}
	for e, name := range ethnicities {
		if s == name || s+"族" == name {
			return e, nil
		}
	}
	return 0, invalid("ethnicity", "not an ethnic group's name in GB 3304, such as 汉族")
}

// Ethnicities lists every ethnic group of GB 3304, in the standard's
// order, for a form to offer.
func Ethnicities() []Ethnicity {
	out := make([]Ethnicity, 0, len(ethnicities))
	for e := Ethnicity(1); e <= 98; e++ {
		if _, ok := ethnicities[e]; ok {
			out = append(out, e)
		}
	}
	return out
}
