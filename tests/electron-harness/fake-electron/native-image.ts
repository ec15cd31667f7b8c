/**
 * nativeImage, enough for a tray icon (shell/common/api/electron_api_native_image.cc): images
 * made from PNG data URLs or buffers keep their bytes and size; the template flag is recorded
 * (macOS draws template images in the menu bar's colour).
 */
import fs from 'node:fs';

export class NativeImage {
  private readonly png: Buffer;
  private template = false;

  constructor(png: Buffer) {
    this.png = png;
  }

  isEmpty(): boolean {
    return this.png.length === 0;
  }

  getSize(): { width: number; height: number } {
    // PNG IHDR: width and height are the big-endian words at bytes 16 and 20.
    if (this.png.length < 24 || this.png.toString('ascii', 1, 4) !== 'PNG') return { width: 0, height: 0 };
    return { width: this.png.readUInt32BE(16), height: this.png.readUInt32BE(20) };
  }

  toPNG(): Buffer {
    return Buffer.from(this.png);
  }

  toDataURL(): string {
    return `data:image/png;base64,${this.png.toString('base64')}`;
  }

  setTemplateImage(value: boolean): void {
    this.template = value;
  }

  isTemplateImage(): boolean {
    return this.template;
  }

  resize(): NativeImage {
    return new NativeImage(this.png);
  }
}

export const nativeImage = {
  createEmpty: () => new NativeImage(Buffer.alloc(0)),
  createFromDataURL(url: string): NativeImage {
    const match = /^data:image\/png;base64,(.*)$/s.exec(url);
    return new NativeImage(match ? Buffer.from(match[1]!, 'base64') : Buffer.alloc(0));
  },
  createFromBuffer: (buffer: Buffer) => new NativeImage(Buffer.from(buffer)),
  createFromPath(file: string): NativeImage {
    try {
      return new NativeImage(fs.readFileSync(file));
    } catch {
      return new NativeImage(Buffer.alloc(0));
    }
  },
};
