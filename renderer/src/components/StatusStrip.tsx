// The status strip at the bottom (docs/UI.md, "Layout"): ledger sync state, the running intake or upload, and a red
// fork alarm above everything that nothing can dismiss.
import { Progress } from 'antd';
import { CloseCircleFilled, DatabaseOutlined, SyncOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStatus } from '../stores/status';
import { hostText } from '../i18n';
import { ageSeconds, formatBytes, formatDuration, formatLocalTime, formatRate } from '../core/format';

export function ForkAlarms() {
  const { t } = useTranslation();
  const forks = useStatus((s) => s.forks);
  if (forks.length === 0) return null;
  return (
    <div role="alert" className="fork-alarm" data-testid="fork-alarm">
      {forks.map((f, i) => (
        <div key={i}>
          <CloseCircleFilled /> {t('strip.fork', { message: hostText(f.reason, f.message) })}
        </div>
      ))}
    </div>
  );
}

export function StatusStrip() {
  const { t, i18n } = useTranslation();
  const sync = useStatus((s) => s.sync);
  const activity = useStatus((s) => s.activity);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);
  const lng = i18n.language;
  return (
    <footer className="strip" role="status" aria-label={t('strip.label')} data-testid="status-strip">
      <span className="cell" data-testid="sync-state">
        {sync?.syncing ? <SyncOutlined spin /> : <DatabaseOutlined />}
        {sync === undefined ? (
          t('strip.ledgerUnknown')
        ) : (
          <>
            {t('strip.ledger', { size: new Intl.NumberFormat(lng).format(sync.size) })}
            {' · '}
            {sync.finalAt
              ? t('strip.finalAt', {
                  time: formatLocalTime(sync.finalAt, lng),
                  age: formatDuration(ageSeconds(sync.finalAt, now)),
                })
              : t('strip.noFinal')}
            {sync.state !== 'local' && (
              <span className={`sync-word sync-${sync.state}`} data-testid="sync-word">
                {' · '}
                {t(`strip.sync.${sync.state}`, { size: new Intl.NumberFormat(lng).format(sync.size), target: new Intl.NumberFormat(lng).format(sync.target ?? sync.size) })}
              </span>
            )}
            {sync.syncing && sync.state === 'local' && ` · ${t('strip.syncing')}`}
          </>
        )}
      </span>
      <span className="cell grow" data-testid="activity">
        {activity === undefined ? (
          <span style={{ color: '#8a94a3' }}>{t('strip.idle')}</span>
        ) : (
          <>
            <Progress
              percent={activity.bytesTotal > 0 ? Math.floor((activity.bytesDone / activity.bytesTotal) * 100) : 0}
              size={[120, 6]}
              showInfo={false}
              aria-label={activity.label}
            />
            {t(`strip.${activity.kind}`, {
              label: activity.label,
              done: formatBytes(activity.bytesDone, lng),
              total: formatBytes(activity.bytesTotal, lng),
              rate: formatRate(activity.rate, lng),
              eta: formatDuration(activity.etaSeconds),
            })}
          </>
        )}
      </span>
    </footer>
  );
}
