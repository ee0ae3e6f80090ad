import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

/**
 * A plain semantic table (caption, th scope) for chart alternatives and dashboard lists. Mantine's
 * Table pulls its scroll area and the popover positioning engine into the bundle; the dashboard
 * route keeps to this one to stay within its size budget (bench/web-bundle).
 */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
  hideCaption = false,
}: {
  caption?: string;
  /** Keep the caption for screen readers only, when a visible heading already names the table. */
  hideCaption?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
}) {
  return (
    // A named region that takes focus, so keyboard users can scroll a table wider than the screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="data-table-wrap" tabIndex={0} aria-label={caption}>
      <table className="data-table">
        {caption && <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" data-numeric={c.numeric || undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} data-numeric={c.numeric || undefined}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
