import { Box, Button, Stack } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { type EChartsOption, echarts } from './echarts';

interface EChartProps {
  option: EChartsOption;
  /** What the chart shows, for screen readers. */
  label: string;
  height?: number;
  /** The same data as a table: every chart has one (WCAG: a text alternative people can read). */
  table: ReactNode;
}

/** A chart with its table alternative behind a toggle. */
export function EChart({ option, label, height = 320, table }: EChartProps) {
  const { t } = useI18n();
  const { ref: boxRef, width } = useElementSize();
  const chartRef = useRef<HTMLDivElement>(null);
  const instance = useRef<echarts.ECharts | null>(null);
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();

  useEffect(() => {
    if (!chartRef.current) return;
    const chart = echarts.init(chartRef.current, undefined, { renderer: 'svg' });
    instance.current = chart;
    return () => {
      chart.dispose();
      instance.current = null;
    };
  }, []);

  useEffect(() => {
    // The shared builders (src/domain/charts) switch on ECharts' aria for the PDF's SVG; here the
    // container carries the label and the table is the text alternative, so it is left out.
    const { aria: _aria, ...rest } = option as EChartsOption & { aria?: unknown };
    instance.current?.setOption(rest, true);
  }, [option]);

  useEffect(() => {
    if (width > 0) instance.current?.resize();
  }, [width]);

  return (
    <Stack gap="xs">
      <Box ref={boxRef}>
        <div ref={chartRef} role="img" aria-label={label} style={{ width: '100%', height }} />
      </Box>
      <Button
        variant="subtle"
        size="xs"
        w="fit-content"
        aria-expanded={showTable}
        aria-controls={tableId}
        onClick={() => setShowTable((v) => !v)}
      >
        {showTable ? t.common.hideTable : t.common.showTable}
      </Button>
      <div id={tableId} hidden={!showTable}>
        {table}
      </div>
    </Stack>
  );
}
