// The Code 128 encoder of jsbarcode, used without its DOM renderer (we draw the bars ourselves).
declare module 'jsbarcode/bin/barcodes/CODE128/index.js' {
  export class CODE128B {
    constructor(data: string, options: object);
    valid(): boolean;
    encode(): { text: string; data: string };
  }
}
