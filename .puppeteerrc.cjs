// The tests drive Debian's chromium and firefox-esr; puppeteer (a peer of @axe-core/puppeteer)
// must not download browsers of its own on npm ci.
module.exports = { skipDownload: true };
