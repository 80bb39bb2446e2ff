// Reports: print a case's chain-of-custody report (report.print). The host builds it from the ledger alone and
// writes the PDF, its JSON, the evidence receipts and the offline verifier into a folder; this screen says where,
// and prints that same PDF on paper through the system print dialog (report.systemPrint). The screen's state lives
// in stores/reports.ts; the hidden frame that prints in the browser is the screen's own.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { Alert, Button, Descriptions, Form, Segmented, Select, Space, Typography } from 'antd';
import { FilePdfOutlined, PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { failureText } from '../i18n';
import { reportsActions, useReports, type ReportLanguage } from '../stores/reports';
import { HashText } from '../components/HashText';

export function ReportsScreen() {
  const { t } = useTranslation();
  const cases = useReports((s) => s.cases);
  const caseId = useReports((s) => s.caseId);
  const lang = useReports((s) => s.lang);
  const busy = useReports((s) => s.busy);
  const error = useReports((s) => s.error);
  const printed = useReports((s) => s.printed);
  const paperBusy = useReports((s) => s.paperBusy);
  const paper = useReports((s) => s.paper);
  const frame = useRef<HTMLIFrameElement | null>(null);
  // Before the first paint: the case and language start from the Cases screen's case and the language shown.
  useLayoutEffect(() => reportsActions.attach(), []);

  // The hidden frame that printed a PDF in the browser goes with the screen.
  useEffect(() => () => frame.current?.remove(), []);

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
            onChange={reportsActions.pickCase}
            options={cases.map((c) => ({ value: c.caseId, label: `${c.caseId} — ${c.title}` }))}
          />
        </Form.Item>
        <Form.Item label={t('reports.language')}>
          <Segmented
            value={lang}
            onChange={(v) => reportsActions.pickLanguage(v as ReportLanguage)}
            options={[
              { value: 'en', label: 'English' },
              { value: 'zh-CN', label: '中文' },
              { value: 'both', label: t('reports.both') },
            ]}
          />
        </Form.Item>
        <Button type="primary" icon={<FilePdfOutlined />} loading={busy} disabled={!caseId} onClick={() => void reportsActions.print()} data-testid="print-report">
          {t('reports.print')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={failureText(error)} style={{ marginBottom: 12 }} />}
      {printed && (
        <Space style={{ marginBottom: 12 }} wrap>
          <Button icon={<PrinterOutlined />} loading={paperBusy} onClick={() => void reportsActions.printOnPaper(printInBrowser)} data-testid="print-paper">
            {t('reports.paper')}
          </Button>
          <Typography.Text type="secondary" data-testid="print-paper-note">
            {paper === 'sent' ? t('reports.paperSent') : paper === 'cancelled' ? t('reports.paperCancelled') : t('reports.paperHelp')}
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
