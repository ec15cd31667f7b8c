/**
 * `screen` (docs/api/screen.md): the displays a window can be placed on. The model comes from
 * BATON_HARNESS_DISPLAYS (a JSON array of {x, y, width, height[, workArea]}) so a scenario can, for
 * example, take away the monitor a window was saved on; by default one 1920×1080 display whose
 * work area leaves a 32 px panel.
 */
import { EventEmitter } from 'node:events';

export interface Rectangle { x: number; y: number; width: number; height: number }

export interface Display {
  id: number;
  bounds: Rectangle;
  workArea: Rectangle;
  size: { width: number; height: number };
  workAreaSize: { width: number; height: number };
  scaleFactor: number;
  rotation: number;
  internal: boolean;
  touchSupport: 'unknown';
  monochrome: boolean;
  accelerometerSupport: 'unknown';
  colorSpace: string;
  colorDepth: number;
  depthPerComponent: number;
  displayFrequency: number;
  label: string;
  detected: boolean;
}

function display(id: number, bounds: Rectangle, workArea?: Rectangle): Display {
  const area = workArea ?? { x: bounds.x, y: bounds.y + 32, width: bounds.width, height: bounds.height - 32 };
  return {
    id, bounds, workArea: area,
    size: { width: bounds.width, height: bounds.height },
    workAreaSize: { width: area.width, height: area.height },
    scaleFactor: 1, rotation: 0, internal: false, touchSupport: 'unknown', monochrome: false,
    accelerometerSupport: 'unknown', colorSpace: '{primaries:BT709, transfer:SRGB}', colorDepth: 24,
    depthPerComponent: 8, displayFrequency: 60, label: `Harness display ${id}`, detected: true,
  };
}

function configuredDisplays(): Display[] {
  const raw = process.env.BATON_HARNESS_DISPLAYS;
  if (!raw) return [display(1, { x: 0, y: 0, width: 1920, height: 1080 })];
  const parsed = JSON.parse(raw) as Array<Rectangle & { workArea?: Rectangle }>;
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('BATON_HARNESS_DISPLAYS must be a non-empty JSON array');
  return parsed.map((entry, index) => display(index + 1, { x: entry.x, y: entry.y, width: entry.width, height: entry.height }, entry.workArea));
}

class Screen extends EventEmitter {
  private displays: Display[] | null = null;

  private all(): Display[] {
    this.displays ??= configuredDisplays();
    return this.displays;
  }

  getAllDisplays(): Display[] {
    return this.all().map((entry) => structuredClone(entry));
  }

  getPrimaryDisplay(): Display {
    return structuredClone(this.all()[0]!);
  }

  getCursorScreenPoint(): { x: number; y: number } {
    const primary = this.all()[0]!;
    return { x: primary.bounds.x + Math.floor(primary.bounds.width / 2), y: primary.bounds.y + Math.floor(primary.bounds.height / 2) };
  }

  getDisplayNearestPoint(point: { x: number; y: number }): Display {
    const distance = (d: Display) => {
      const dx = Math.max(d.bounds.x - point.x, 0, point.x - (d.bounds.x + d.bounds.width));
      const dy = Math.max(d.bounds.y - point.y, 0, point.y - (d.bounds.y + d.bounds.height));
      return dx * dx + dy * dy;
    };
    return structuredClone([...this.all()].sort((a, b) => distance(a) - distance(b))[0]!);
  }

  getDisplayMatching(rect: Rectangle): Display {
    const overlap = (d: Display) =>
      Math.max(0, Math.min(rect.x + rect.width, d.bounds.x + d.bounds.width) - Math.max(rect.x, d.bounds.x)) *
      Math.max(0, Math.min(rect.y + rect.height, d.bounds.y + d.bounds.height) - Math.max(rect.y, d.bounds.y));
    const best = [...this.all()].sort((a, b) => overlap(b) - overlap(a))[0]!;
    return overlap(best) > 0 ? structuredClone(best) : this.getDisplayNearestPoint({ x: rect.x, y: rect.y });
  }

  screenToDipPoint(point: { x: number; y: number }) { return { ...point }; }
  dipToScreenPoint(point: { x: number; y: number }) { return { ...point }; }
}

export const screen = new Screen();
