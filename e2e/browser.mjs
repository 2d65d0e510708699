// How the e2e tests start Debian's Chromium (no downloaded browser builds). With
// `scrollbars`, pages show their scroll bars and lay out beside them as a desktop browser
// does (Playwright hides them by default in headless mode).
export function launchOptions({ scrollbars = false } = {}) {
  return {
    ...(scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-quic', '--no-first-run',
    ],
  };
}
