// The one vocabulary of status (docs/UI.md, "The language of status"): colour, icon and words together, so status
// never depends on colour alone. A red state always carries its reason.
import { Tag } from 'antd';
import {
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  LoadingOutlined,
  WarningFilled,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

export type Verdict = 'verified' | 'awaiting' | 'pending' | 'attention' | 'failed';

const LOOK: Record<Verdict, { color: string; icon: React.ReactNode }> = {
  verified: { color: 'success', icon: <CheckCircleFilled /> },
  awaiting: { color: 'processing', icon: <ClockCircleOutlined /> },
  pending: { color: 'default', icon: <LoadingOutlined /> },
  attention: { color: 'warning', icon: <WarningFilled /> },
  failed: { color: 'error', icon: <CloseCircleFilled /> },
};

export function StatusTag({ verdict, reason, text }: { verdict: Verdict; reason?: string; text?: string }) {
  const { t } = useTranslation();
  const words =
    text ??
    (verdict === 'failed'
      ? reason
        ? t('status.failed', { reason })
        : t('status.failedNoReason')
      : t(`status.${verdict}`));
  const look = LOOK[verdict];
  if (verdict === 'failed' && reason && text === undefined) {
    // A long reason wraps beside the tag instead of stretching it; the words still read "Verification failed: …".
    return (
      <span className="status-failed" data-verdict="failed">
        <Tag color="error" icon={look.icon} className="status status-failed-tag">
          {t('status.failedNoReason')}
        </Tag>
        <span className="reason">{reason}</span>
      </span>
    );
  }
  return (
    <Tag color={look.color} icon={look.icon} className={`status status-${verdict}`} data-verdict={verdict}>
      {words}
    </Tag>
  );
}
