import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

/**
 * ECharts, loaded with the first chart: the modules arrive in this page's own chunks (never the sign-in
 * page's), and only the parts the figures use (bar and line charts, SVG rendering, the ARIA description).
 */
let loading: Promise<typeof import('echarts/core')> | undefined;
const loadECharts = () => (loading ??= import('./echarts-setup').then((m) => m.echarts));

export function EChart({ option, height = 280, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | undefined>(undefined);
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void loadECharts().then((echarts) => {
      if (disposed || !box.current) return;
      chart.current = echarts.init(box.current, undefined, { renderer: 'svg' });
      chart.current.setOption({ aria: { enabled: true }, animation: false, ...option }, true);
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(box.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
    // The chart is made once; later options are set below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, animation: false, ...option }, true);
  }, [option]);
  return <div ref={box} role="img" aria-label={label} data-testid="echart" style={{ width: '100%', height }} />;
}
