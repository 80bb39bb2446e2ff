// Type and colour (docs/UI.md, "Type and print"): system UI for Latin, PingFang SC / Microsoft YaHei / Noto Sans SC
// for Chinese; hashes in monospace. A calm navy primary; status colours stay antd's semantic ones.
import type { ThemeConfig } from 'antd';

export const FONT_FAMILY = [
  '-apple-system',
  'BlinkMacSystemFont',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"PingFang SC"',
  '"Microsoft YaHei"',
  '"Noto Sans SC"',
  '"Noto Sans CJK SC"',
  'sans-serif',
].join(', ');

export const FONT_MONO = ['ui-monospace', '"SFMono-Regular"', '"DejaVu Sans Mono"', 'Consolas', '"Liberation Mono"', 'Menlo', 'monospace'].join(', ');

export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1d4f86',
    colorInfo: '#1d4f86',
    fontFamily: FONT_FAMILY,
    fontFamilyCode: FONT_MONO,
    fontSize: 13,
    borderRadius: 4,
    colorBgLayout: '#f4f6f9',
  },
  components: {
    Layout: { siderBg: '#12263f', headerBg: '#ffffff', headerHeight: 52, headerPadding: '0 16px', footerPadding: '0' },
    Menu: { darkItemBg: '#12263f', darkItemSelectedBg: '#1d4f86', itemHeight: 40 },
    Table: { cellPaddingBlockSM: 6 },
  },
};
