// Reports: print a case's chain-of-custody report (report.print). The host builds it from the ledger alone and
// writes the PDF, its JSON, the evidence receipts and the offline verifier into a folder; this screen says where,
// and prints that same PDF on paper through the system print dialog (report.systemPrint).
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Descriptions, Form, Segmented, Select, Space, Typography } from 'antd';
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
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
  const [paperBusy, setPaperBusy] = useState(false);
  const [paperNote, setPaperNote] = useState<string>();
  const frame = useRef<HTMLIFrameElement | null>(null);

  // The hidden frame that printed a PDF in the browser goes with the screen.
  useEffect(() => () => frame.current?.remove(), []);

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
    setPaperNote(undefined);
    try {
      setPrinted(await unwrap(ws().report.print({ caseId, lang })));
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setBusy(false);
    }
  };

  /** The browser prints the host's PDF from a hidden same-origin frame: its print dialog shows that exact PDF. */
  const printInBrowser = (url: string) =>
    new Promise<void>((resolve, reject) => {
      frame.current?.remove();
      const f = document.createElement('iframe');
      f.title = t('reports.paperFrame');
      f.setAttribute('aria-hidden', 'true');
      f.tabIndex = -1;
      // Not display:none: Chromium does not print a frame that is not rendered.
      Object.assign(f.style, { position: 'fixed', right: '0', bottom: '0', width: '1px', height: '1px', border: '0', opacity: '0' });
      f.dataset.testid = 'report-paper-frame';
      f.onload = () => {
        try {
          f.contentWindow?.focus();
          f.contentWindow?.print();
          resolve();
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      f.src = url;
      document.body.append(f);
      frame.current = f;
    });

  const printOnPaper = async () => {
    if (!printed) return;
    setPaperBusy(true);
    setError(undefined);
    setPaperNote(undefined);
    try {
      const r = await unwrap(ws().report.systemPrint({ pdf: printed.pdf }));
      if (r.via === 'dialog') setPaperNote(t(r.outcome === 'printed' ? 'reports.paperSent' : 'reports.paperCancelled'));
      else await printInBrowser(r.url);
    } catch (err) {
      setError(err instanceof HostCallError ? errorText(err.error) : String(err));
    } finally {
      setPaperBusy(false);
    }
  };

  const pathList = (paths: string[]) =>
    paths.length === 0
      ? t('common.none')
      : paths.map((p) => (
          <div key={p}>
            <Typography.Text code>{p}</Typography.Text>
          </div>
        ));

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
        <Space style={{ marginBottom: 12 }} wrap>
          <Button icon={<PrinterOutlined />} loading={paperBusy} onClick={() => void printOnPaper()} data-testid="print-paper">
            {t('reports.paper')}
          </Button>
          <Typography.Text type="secondary" data-testid="print-paper-note">
            {paperNote ?? t('reports.paperHelp')}
          </Typography.Text>
        </Space>
      )}
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
          <Descriptions.Item label={t('reports.receipts')}>{pathList(printed.receipts)}</Descriptions.Item>
          <Descriptions.Item label={t('reports.files')}>{pathList(printed.files)}</Descriptions.Item>
        </Descriptions>
      )}
    </div>
  );
}
