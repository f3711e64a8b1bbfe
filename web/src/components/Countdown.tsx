import { useServerNow } from '../api/server-clock';
import { useI18n } from '../i18n';

/** Under this much time left a countdown turns red. */
export const URGENT_MS = 15 * 60_000;

function clock(ms: number): { days: number; time: string } {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { days, time: `${pad(h)}:${pad(m)}:${pad(s)}` };
}

/**
 * Time left until `dueAt` on the server's clock (api/server-clock.ts), ticking each second; red under
 * 15 minutes and once overdue. data-urgent / data-overdue let tests and styles read the state.
 */
export function Countdown({ dueAt }: { dueAt: string }) {
  const { t } = useI18n();
  const now = useServerNow();
  const left = Date.parse(dueAt) - now;
  const overdue = left <= 0;
  const urgent = left < URGENT_MS;
  const { days, time } = clock(left);
  const span = days > 0 ? t('countdown.days', { days, time }) : time;
  return (
    <span
      className={urgent ? 'lf-countdown-urgent' : undefined}
      data-urgent={urgent}
      data-overdue={overdue}
      data-testid="countdown"
    >
      {overdue ? t('countdown.overdue', { time: span }) : t('countdown.remaining', { time: span })}
    </span>
  );
}
