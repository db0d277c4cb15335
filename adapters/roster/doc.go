// Package roster reads and writes a township's roster (花名册): its grid of
// cells and its staff with their posts, as the township's office keeps them
// in a spreadsheet. Read turns a file into a grid.Roster, Check also
// resolves it into the township's tree and members, and Write exports a
// roster again; WriteTemplate writes the empty workbook a township starts
// from. The rules a roster must keep are the grid package's
// (grid.Roster.Resolve); this package places their problems in the file and
// says them in Chinese, for the person who keeps the spreadsheet.
//
// # The workbook
//
// An .xlsx workbook holds three sheets. Each table's first non-blank row is
// its heading row, whose cells must read exactly as below once trimmed;
// columns after them are ignored, blank rows are skipped and every value is
// trimmed (the ideographic space U+3000 too).
//
//	网格: 网格编号 | 网格名称 | 层级 | 上级网格编号
//	人员: 账号 | 姓名 | 手机号 | 部门 | 所属单位 | 岗位 | 岗位所在网格编号
//	说明: instructions for the person filling it in, not read
//
// 网格 lists one cell a row: its ID (grid.ValidateCellID), its name, its
// level as a number 1–5 or as the level's title (grid.DefaultTitles, or the
// titles given to Check), and its parent's ID, empty for the township. The
// roster holds exactly one township, the level-1 cell, and every other cell
// lies below it one level at a time.
//
// 人员 lists one post a row. A member with two posts has two rows with the
// same 账号 (their ID and login, grid.ValidateMemberID); their other columns
// agree, or are left empty on the later rows (as merged cells read), and a
// row giving another name, phone number, department or body is a problem.
// 部门 and 岗位 are given by their titles (公安, 网格长) or their stable names
// (police, grid_head): see grid.Department.Title and grid.Role.Title. 所属单位
// names a partner's body and is required for the department N方. A post's
// cell must be one of the roster's: a member holds posts in their own
// township only.
//
// Values are read as stored, not as displayed: a phone number typed as a
// number (13800001234, or stored as 1.3800001234E10) reads as its digits,
// while a text cell stays text. Write formats the ID and phone columns as
// text so that Excel keeps what is typed there as typed, and offers
// drop-down lists for 层级, 部门 and 岗位.
//
// # CSV
//
// A CSV file holds both tables one after the other, each starting with its
// heading row, found by its first cell: 网格编号 starts the cell table and
// 账号 the member table, in either order. A non-blank line before the first
// heading row is a problem. The text is read as UTF-8, with or without a
// byte-order mark ("CSV UTF-8" in Excel), or else as GB18030, which includes
// GBK (plain "CSV" in Excel on a Chinese Windows). A problem's row is the
// line where its record starts.
//
// # Problems
//
// The file type is found from the content, never the name: a zip archive
// is read as a workbook, anything else as CSV. A file over MaxSize is
// refused after reading MaxSize bytes of it; a workbook that would unzip to
// more than ten times that is refused before it is unzipped.
//
// Every problem of a file is reported at once, never only the first, in
// one *Problems error: the file's own (an empty file, a zip that is no
// workbook, a missing sheet, a wrong heading, an unknown level, department
// or role, a member's rows that disagree, a value with a control character
// a workbook cannot keep) and the roster's, from grid.Roster.Resolve. Each
// names its sheet, its row (from 1, as the spreadsheet shows it) and its
// column letter:
//
//	人员 第 12 行 C 列：手机号应为 11 位手机号码（1 开头，第二位是 3–9），“1380000”不是
//
// A file with any problem gives no roster at all. *Problems is an Invalid
// error (fourplusn.ErrorCode), and its message is the whole list, safe to
// show to the person who sent the file.
package roster
