// Reports: print a case's chain-of-custody report (report.print). The host builds it from the ledger alone and
// writes the PDF, its JSON, the evidence receipts and the offline verifier into a folder; this screen says where.
import { useEffect, useState } from 'react';
import { Alert, Button, Descriptions, Form, Segmented, Select, Typography } from 'antd';
import { FilePdfOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CaseSummary, ReportPrinted } from '../../../app/contract/api';
import { HostCallError, unwrap, ws } from '../host';
import { errorText } from '../i18n';
import { useApp } from '../stores/app';
import { HashText } from '../components/HashText';

export function ReportsScreen() {
  const { t } = useTranslation();
  const openCase = useApp((s) => s.caseId);
  const language = useApp((s) => s.language);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [caseId, setCaseId] = useState<string | undefined>(openCase);
  const [lang, setLang] = useState<'en' | 'zh-CN' | 'both'>(language);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [printed, setPrinted] = useState<ReportPrinted>();

  useEffect(() => {
    void unwrap(ws().cases.list({})).then(
      (c) => {
        setCases(c);
        setCaseId((id) => id ?? c[0]?.caseId);
      },
      (err: unknown) => setError(err instanceof HostCallError ? errorText(err.error) : String(err)),
    );
  }, []);

  const print = async () => {
    if (!caseId) return;
    setBusy(true);
    setError(undefined);
    setPrinted(undefined);
    try {
      setPrinted(await unwrap(ws().report.print({ caseId, lang })));
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel" style={{ maxWidth: 920 }}>
      <div className="panel-title">{t('reports.title')}</div>
      <Typography.Paragraph type="secondary">{t('reports.help')}</Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('intake.case')}>
          <Select
            aria-label={t('intake.case')}
            style={{ width: 380 }}
            value={caseId}
            onChange={setCaseId}
            options={cases.map((c) => ({ value: c.caseId, label: `${c.caseId} — ${c.title}` }))}
          />
        </Form.Item>
        <Form.Item label={t('reports.language')}>
          <Segmented
            value={lang}
            onChange={(v) => setLang(v as typeof lang)}
            options={[
              { value: 'en', label: 'English' },
              { value: 'zh-CN', label: '中文' },
              { value: 'both', label: t('reports.both') },
            ]}
          />
        </Form.Item>
        <Button type="primary" icon={<FilePdfOutlined />} loading={busy} disabled={!caseId} onClick={() => void print()} data-testid="print-report">
          {t('reports.print')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {printed && (
        <Descriptions bordered size="small" column={1} styles={{ label: { width: 190 } }} data-testid="report-printed">
          <Descriptions.Item label={t('reports.pdf')}>
            <Typography.Text code copyable>
              {printed.pdf}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.pages')}>{printed.pages}</Descriptions.Item>
          <Descriptions.Item label="SHA-256">
            <HashText value={printed.sha256} label="SHA-256" />
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.json')}>
            <Typography.Text code>{printed.json}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.receipts')}>
            {printed.receipts.length === 0
              ? t('common.none')
              : printed.receipts.map((r) => (
                  <div key={r}>
                    <Typography.Text code>{r}</Typography.Text>
                  </div>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.files')}>
            {printed.files.length === 0
              ? t('common.none')
              : printed.files.map((f) => (
                  <div key={f}>
                    <Typography.Text code>{f}</Typography.Text>
                  </div>
                ))}
          </Descriptions.Item>
        </Descriptions>
      )}
    </div>
  );
}
