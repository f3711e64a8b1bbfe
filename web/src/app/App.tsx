import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useMemo } from 'react';
import { RouterProvider } from 'react-router';
import { onSessionChange, ApiError } from '../api/client';
import { queryKeys } from '../api/query-keys';
import { incidentIdIn, incidentQuery } from '../api/incidents';
import { fetchSession } from '../api/session';
import { I18nProvider, useI18n } from '../i18n';
import { usePrefersReducedMotion } from './reduced-motion';
import { router } from './routes';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Live updates (live/stream.ts) invalidate what changed, so answers stay fresh without polling.
      staleTime: 30_000,
      // A 4xx will not change by asking again; a dropped connection may.
      retry: (failures, err) => failures < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

// Asked before React's first render: the answer decides what the first screen is.
void queryClient.prefetchQuery({ queryKey: queryKeys.session, queryFn: fetchSession });
// Opened at an incident's address: its answer comes beside the session's, not after the page's code (signed
// out, the 401 only confirms what the session answer says).
const openedIncident = incidentIdIn(window.location.pathname);
if (openedIncident) void queryClient.prefetchQuery(incidentQuery(openedIncident));

// A 401 or a restricted 403 anywhere sends the user back through the session gate (app/SessionGate.tsx).
onSessionChange((reason) => {
  if (reason === 'lost') queryClient.setQueryData(queryKeys.session, null);
  else void queryClient.invalidateQueries({ queryKey: queryKeys.session });
});

/**
 * Darker blues than antd's defaults: white on the primary colour, and links on white, reach WCAG AA
 * contrast (4.5:1) at rest and when hovered; secondary texts (hints, descriptions, placeholders, description
 * labels) are darker than antd's 45 % black for the same reason, and so is the text of coloured tags, which antd
 * takes from each palette's 7th shade: green, gold, orange, volcano, cyan and lime are too light on their own tint
 * (axe checks it all in the browser tests).
 */
const THEME = {
  colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
  colorTextDescription: 'rgba(0, 0, 0, 0.65)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  colorPrimary: '#1d4ed8',
  colorPrimaryHover: '#1e40af',
  colorInfo: '#1d4ed8',
  colorLink: '#1d4ed8',
  colorLinkHover: '#1e40af',
  colorTextTertiary: 'rgba(0, 0, 0, 0.65)',
  ...darker({
    green: '#237804',
    gold: '#874d00',
    orange: '#ad4e00',
    volcano: '#ad2102',
    cyan: '#006d75',
    lime: '#3f6600',
  }),
};

/** A palette's 7th shade under both of antd's names for it (`green7`, and the `green-7` its styles read). */
function darker(shades: Record<'green' | 'gold' | 'orange' | 'volcano' | 'cyan' | 'lime', string>) {
  return Object.fromEntries(
    Object.entries(shades).flatMap(([name, hex]) => [
      [`${name}7`, hex],
      [`${name}-7`, hex],
    ]),
  );
}

function Localised() {
  const { locale } = useI18n();
  const reducedMotion = usePrefersReducedMotion();
  const theme = useMemo(() => ({ token: { ...THEME, motion: !reducedMotion }, zeroRuntime: true }), [reducedMotion]);
  useEffect(() => {
    dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  }, [locale]);
  return (
    <ConfigProvider
      locale={locale === 'zh-CN' ? zhCN : enUS}
      theme={theme}
      // "登录", not "登 录": the labels are exactly the words the users (and tests) know.
      button={{ autoInsertSpace: false }}
    >
      <RouterProvider router={router} />
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <Localised />
      </QueryClientProvider>
    </I18nProvider>
  );
}
