package work

import "time"

// stateCouncilDays returns the public holidays and make-up working days
// the State Council set for the years shipped, each day a Day:
//   - 2025: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号);
//   - 2026: 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025);
//   - 2027: no notice was published when this was written, so only the
//     statutory holidays themselves (全国年节及纪念日放假办法, art. 2, as
//     revised in 2024) are listed, on their dates of 2027, with neither
//     the days given in lieu of those falling on a weekend nor any 调休:
//     a township adds them with Calendar.Add once the notice is out.
func stateCouncilDays() []Day {
	var days []Day
	off := func(name, from, to string) { days = append(days, span(name, from, to)...) }
	worked := func(name string, dates ...string) {
		for _, d := range dates {
			days = append(days, Day{Date: d, Working: true, Name: name + "（调休上班）"})
		}
	}

	off("元旦", "2025-01-01", "2025-01-01")
	off("春节", "2025-01-28", "2025-02-04")
	worked("春节", "2025-01-26", "2025-02-08")
	off("清明节", "2025-04-04", "2025-04-06")
	off("劳动节", "2025-05-01", "2025-05-05")
	worked("劳动节", "2025-04-27")
	off("端午节", "2025-05-31", "2025-06-02")
	off("国庆节、中秋节", "2025-10-01", "2025-10-08")
	worked("国庆节、中秋节", "2025-09-28", "2025-10-11")

	off("元旦", "2026-01-01", "2026-01-03")
	worked("元旦", "2026-01-04")
	off("春节", "2026-02-15", "2026-02-23")
	worked("春节", "2026-02-14", "2026-02-28")
	off("清明节", "2026-04-04", "2026-04-06")
	off("劳动节", "2026-05-01", "2026-05-05")
	worked("劳动节", "2026-05-09")
	off("端午节", "2026-06-19", "2026-06-21")
	off("中秋节", "2026-09-25", "2026-09-27")
	off("国庆节", "2026-10-01", "2026-10-07")
	worked("国庆节", "2026-09-20", "2026-10-10")

	off("元旦", "2027-01-01", "2027-01-01")
	off("春节", "2027-02-05", "2027-02-08") // 除夕 to 正月初三
	off("清明节", "2027-04-05", "2027-04-05")
	off("劳动节", "2027-05-01", "2027-05-02")
	off("端午节", "2027-06-09", "2027-06-09")
	off("中秋节", "2027-09-15", "2027-09-15")
	off("国庆节", "2027-10-01", "2027-10-03")
	return days
}

// span returns the days off named name from from to to, both included.
func span(name, from, to string) []Day {
	var days []Day
	first, _ := time.ParseInLocation(dateLayout, from, Zone)
	last, _ := time.ParseInLocation(dateLayout, to, Zone)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, Day{Date: d.Format(dateLayout), Name: name})
	}
	return days
}
