// A moment: local time with its zone; UTC on hover (docs/UI.md, "Times").
import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatLocalTime, formatUtc } from '../core/format';

export function LocalTime({ iso }: { iso: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Tooltip title={t('common.utc', { time: formatUtc(iso) })}>
      <time dateTime={iso} className="local-time">
        {formatLocalTime(iso, i18n.language)}
      </time>
    </Tooltip>
  );
}
