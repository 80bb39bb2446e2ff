// Tables of a large drop are shown a page at a time: each row holds inputs or progress bars, and thousands at
// once blocked the page for seconds (3,000 dropped files: 7.7 s).
import type { TablePaginationConfig } from 'antd';

/** Rows per page of the intake and deposition tables. */
export const ROWS_PER_PAGE = 100;

/** A table's pagination: none up to one page of rows, else pages of ROWS_PER_PAGE with the total. */
export function pageRows(count: number, total: (count: number) => string): TablePaginationConfig | false {
  return count > ROWS_PER_PAGE ? { pageSize: ROWS_PER_PAGE, showSizeChanger: false, showTotal: total } : false;
}
