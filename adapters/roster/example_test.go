package roster_test

import (
	"fmt"
	"strings"

	"github.com/fourplusn/fourplusn/adapters/roster"
)

// A CSV file as a township's office might send it: every problem is
// reported at once, placed by table, line and column.
func ExampleRead() {
	file := strings.Join([]string{
		"网格编号,网格名称,层级,上级网格编号",
		"gucheng,古城办事处,1,",
		"mayuan,马园村委,3,gucheng",
		"账号,姓名,手机号,部门,所属单位,岗位,岗位所在网格编号",
		"gc-secretary,郭某,1380000,网格,,网格长,gucheng",
		"mayuan-head,马园村委书记,13800000002,网格,,村长,mayuan",
	}, "\r\n")
	_, err := roster.Read(strings.NewReader(file))
	fmt.Println(err)
	// Output:
	// 花名册有 3 处问题：
	// 网格 第 3 行 C 列：上级网格“gucheng”是第 1 级，本网格应为第 2 级，不是第 3 级
	// 人员 第 5 行 C 列：手机号应为 11 位手机号码（1 开头，第二位是 3–9），“1380000”不是
	// 人员 第 6 行 F 列：岗位应为 网格长、网格员、社区民警、辅警、司法所工作人员、人民调解员、值班员、N方成员、管理员 之一，“村长”不是
}
