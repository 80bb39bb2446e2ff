// Shown where a screen needs a host service this build does not have: says so plainly instead of showing
// anything that was not verified.
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';

export function NotYet({ service }: { service: string }) {
  const { t } = useTranslation();
  return <Result status="info" title={t('placeholder.notYet')} subTitle={t('placeholder.notYetText', { service })} />;
}
