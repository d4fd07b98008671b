import { CODE128B } from 'jsbarcode/bin/barcodes/CODE128/index.js';

/**
 * The acknowledgement number as a Code 128 barcode, drawn as SVG rectangles from the encoder's
 * module string (1 = bar), so that nothing but our own elements enter the page.
 */
export function modulesOf(text: string): string | undefined {
  const encoder = new CODE128B(text, {});
  return encoder.valid() ? encoder.encode().data : undefined;
}

export function Barcode({ text, moduleWidth = 2, height = 60 }: { text: string; moduleWidth?: number; height?: number }) {
  const modules = modulesOf(text);
  if (modules === undefined) return null;
  const bars: { x: number; width: number }[] = [];
  for (let index = 0; index < modules.length; index += 1) {
    if (modules[index] !== '1') continue;
    const last = bars.at(-1);
    if (last !== undefined && last.x + last.width === index) last.width += 1;
    else bars.push({ x: index, width: 1 });
  }
  // Quiet zones of 10 modules on each side, as Code 128 asks.
  const quiet = 10;
  const width = (modules.length + 2 * quiet) * moduleWidth;
  return (
    <svg data-testid="barcode" data-modules={modules.length} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={text}>
      <rect x={0} y={0} width={width} height={height} fill="#fff" />
      {bars.map((bar) => (
        <rect key={bar.x} x={(bar.x + quiet) * moduleWidth} y={0} width={bar.width * moduleWidth} height={height} fill="#000" />
      ))}
    </svg>
  );
}
