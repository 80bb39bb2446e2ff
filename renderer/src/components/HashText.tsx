// A hash or key id: monospace, grouped in fours, with a copy button; the full value is one hover or click away.
import { Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { groupHex, shortHex } from '../core/format';

export function HashText({ value, short = false, label }: { value: string; short?: boolean; label?: string }) {
  const { t } = useTranslation();
  const shown = short ? shortHex(value) : groupHex(value);
  return (
    <Typography.Text
      className="mono hash"
      copyable={{ text: value, tooltips: [t('common.copy'), t('common.copied')] }}
      aria-label={label ? `${label}: ${value}` : value}
      data-hash={value}
    >
      {short ? (
        <Tooltip title={<span className="mono">{groupHex(value)}</span>}>
          <span>{shown}</span>
        </Tooltip>
      ) : (
        shown
      )}
    </Typography.Text>
  );
}
