import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, externalLinkTarget, isAppUrl, resolveAppRequest } from '../../../electron/shell/window/web-policy.ts';

const root = path.resolve('/srv/renderer');

describe('app:// protocol and link policy (R4)', () => {
  it('serves files inside the renderer build', () => {
    expect(resolveAppRequest('app://baton/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest('app://baton/index.html', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest('app://baton/assets/index-abc.js?x=1', root)).toBe(path.join(root, 'assets/index-abc.js'));
  });

  it('refuses traversal, encoded separators, other hosts and other schemes', () => {
    // The URL parser already folds a literal `..` back into the root.
    expect(resolveAppRequest('app://baton/../secrets.json', root)).toBe(path.join(root, 'secrets.json'));
    // %2e%2e is a dot segment to the URL parser too: it cannot climb out of the root either.
    for (const attack of ['app://baton/%2e%2e/%2e%2e/etc/passwd', 'app://baton/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd']) {
      const file = resolveAppRequest(attack, root);
      expect(file === null || file.startsWith(root + path.sep)).toBe(true);
    }
    expect(resolveAppRequest('app://baton/..%5c..%5cwindows', root)).toBeNull();
    expect(resolveAppRequest('app://baton/%00', root)).toBeNull();
    expect(resolveAppRequest('app://baton/%E0%A4%A', root)).toBeNull();
    expect(resolveAppRequest('app://evil/index.html', root)).toBeNull();
    expect(resolveAppRequest('file:///etc/passwd', root)).toBeNull();
  });

  it('only app://baton pages count as the app', () => {
    expect(isAppUrl('app://baton/index.html')).toBe(true);
    expect(isAppUrl('https://baton/')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('external links: absolute http(s) and mailto only, no credentials', () => {
    expect(externalLinkTarget('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(externalLinkTarget('mailto:someone@example.com')).toBe('mailto:someone@example.com');
    expect(externalLinkTarget('javascript:alert(1)')).toBeNull();
    expect(externalLinkTarget('file:///etc/passwd')).toBeNull();
    expect(externalLinkTarget('app://baton/index.html')).toBeNull();
    expect(externalLinkTarget('smb://host/share')).toBeNull();
    expect(externalLinkTarget('https://user:pw@example.com/')).toBeNull();
    expect(externalLinkTarget('/relative')).toBeNull();
  });

  it('the CSP allows no remote or inline script and no network connections', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'");
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
    expect(RENDERER_CSP).toContain("connect-src 'none'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
  });
});
