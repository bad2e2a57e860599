import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { $, call, client, formatDuration, h, type Ok, pageData } from './common.js';

/**
 * The supervisor's reports page: the last 14 days per queue from GET /reports/queues, as a chart (conversations per
 * day, bars; SLA attainment, line) and a table. "All queues" adds volumes up and weighs attainment and CSAT by their
 * counts; percentiles cannot be added, so they are shown for one queue at a time.
 */

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

const v1 = client.api.v1;
// The route also answers CSV (a string); this page asks for JSON.
type Report = Exclude<Ok<Awaited<ReturnType<typeof v1.reports.queues.$get>>>, string | Response>;
type Row = Report['items'][number];

const { t } = pageData<{ t: Record<string, string> }>();
let report: Report | null = null;
let chart: Chart | null = null;

type Day = {
  day: string;
  conversations: number;
  firstP50: number | null;
  firstP90: number | null;
  nextP50: number | null;
  resolutionP50: number | null;
  slaMet: number;
  slaMeasured: number;
  csatSum: number;
  csatCount: number;
  overflowed: number;
};

function byDay(rows: Row[], one: boolean): Day[] {
  const days = new Map<string, Day>();
  for (const r of rows) {
    const d = days.get(r.day) ?? {
      day: r.day,
      conversations: 0,
      firstP50: null,
      firstP90: null,
      nextP50: null,
      resolutionP50: null,
      slaMet: 0,
      slaMeasured: 0,
      csatSum: 0,
      csatCount: 0,
      overflowed: 0,
    };
    d.conversations += r.conversations;
    d.slaMet += r.slaMet;
    d.slaMeasured += r.slaMeasured;
    d.csatSum += (r.csatAverage ?? 0) * r.csatCount;
    d.csatCount += r.csatCount;
    d.overflowed += r.overflowed;
    if (one) {
      d.firstP50 = r.firstResponse.p50Seconds;
      d.firstP90 = r.firstResponse.p90Seconds;
      d.nextP50 = r.nextResponse.p50Seconds;
      d.resolutionP50 = r.resolution.p50Seconds;
    }
    days.set(r.day, d);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

const seconds = (x: number | null) => (x === null ? '–' : formatDuration(Math.round(x)));
const attainment = (d: Day) => (d.slaMeasured > 0 ? Math.round((d.slaMet / d.slaMeasured) * 100) : null);

function render() {
  if (!report) return;
  const queueId = $<HTMLSelectElement>('reports-queue').value;
  const rows = queueId ? report.items.filter((r) => r.queueId === queueId) : report.items;
  const days = byDay(rows, queueId !== '');
  $('reports-rows').replaceChildren(
    ...days.map((d) => {
      const pct = attainment(d);
      return h(
        'tr',
        { 'data-day': d.day },
        h('th', { scope: 'row' }, d.day),
        h('td', { class: 'num' }, String(d.conversations)),
        h('td', { class: 'num' }, seconds(d.firstP50)),
        h('td', { class: 'num' }, seconds(d.firstP90)),
        h('td', { class: 'num' }, seconds(d.nextP50)),
        h('td', { class: 'num' }, seconds(d.resolutionP50)),
        h('td', { class: 'num' }, pct === null ? '–' : `${pct} %`),
        h('td', { class: 'num' }, d.csatCount ? `${(d.csatSum / d.csatCount).toFixed(1)} (${d.csatCount})` : '–'),
        h('td', { class: 'num' }, String(d.overflowed)),
      );
    }),
  );
  const labels = days.map((d) => d.day.slice(5));
  const data = {
    labels,
    datasets: [
      {
        type: 'bar' as const,
        label: t.reportsConversations ?? 'Conversations',
        data: days.map((d) => d.conversations),
        backgroundColor: '#4c6ef5',
        yAxisID: 'y',
      },
      {
        type: 'line' as const,
        label: `${t.reportsAttainment ?? 'SLA met'} (%)`,
        data: days.map((d) => attainment(d)),
        borderColor: '#2b8a3e',
        backgroundColor: '#2b8a3e',
        spanGaps: true,
        yAxisID: 'pct',
      },
    ],
  };
  if (chart) {
    chart.data = data;
    chart.update();
  } else {
    chart = new Chart($<HTMLCanvasElement>('reports-chart'), {
      data,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 } },
          pct: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false } },
        },
      },
    });
  }
  const csv = $<HTMLAnchorElement>('reports-csv');
  csv.href = `/api/v1/reports/queues?format=csv&from=${report.from}&to=${report.to}`;
  document.documentElement.dataset.chartDays = String(days.length);
}

async function start() {
  report = (await call(v1.reports.queues.$get({ query: {} }))) as Report;
  const names = new Map(report.items.map((r) => [r.queueId, r.queueName]));
  $('reports-queue').append(...[...names].map(([id, name]) => h('option', { value: id }, name)));
  $('reports-range').textContent = `${t.reportsLast14 ?? ''}: ${report.from} – ${report.to}`;
  $('reports-queue').addEventListener('change', render);
  render();
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
}

void start().catch((err: unknown) => {
  $('reports-error').textContent = err instanceof Error ? err.message : String(err);
});
