// Package xlsx writes the workbooks a township's office files and sends
// upward: the periodic report of a subtree (its figures with each rate's
// numerator and denominator, 环比 and 同比, the table per cell and the
// imported indicators), the case register (台账) and the Ministry of
// Justice's table of people's mediation (人民调解工作统计表). Sheets,
// headings and values are in Chinese; counts are numbers, rates are
// numbers in a percentage format, and times are Excel dates.
//
// The register is streamed: it reads cases a page at a time and writes
// each row as it goes (excelize's StreamWriter, which spills to a temporary
// file past a few megabytes), and the finished workbook is zipped straight
// to the io.Writer, so that a million cases export in bounded memory.
//
// The package knows nothing of HTTP; adapters/httpapi serves its
// workbooks.
package xlsx
