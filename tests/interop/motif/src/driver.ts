// Drives Motif's Zenith client files against a Zenith server and prints, one JSON line each,
// whether each operation works as Motif needs it: connect, auth, public data, private data,
// re-auth (a fresh token sent before the login token expires, data still flowing after its
// expiry) and rejection (a refused token seen as Motif's rejection).
//
//   node build/driver.js URL LOGIN_EXPIRES_AT_MS TIMEOUT_MS
//   env MOTIF_TOKENS = {"login": short-lived, "refresh": valid, "rejected": refused} (never printed)
//
// The driver plays Motif's OIDC side: it knows when its login token expires, as Motif's token
// refresh does, and hands Motif a fresh one before then (ZenithPublisher.updateAccessToken).
import { installBrowserWebSocket } from './browser-websocket';
import { ZenithProtocol } from './code/adi/publishers/zenith/physical-message/protocol/zenith-protocol';
import { MotifSession, TimedOut } from './motif-session';

const PUBLIC = { controller: ZenithProtocol.MessageContainer.Controller.Market, topic: `${ZenithProtocol.MarketController.TopicName.Trades}!BHP.ASX` };
const PRIVATE = { controller: ZenithProtocol.MessageContainer.Controller.Trading, topic: `${ZenithProtocol.TradingController.TopicName.Orders}!DEMO1` };
const AFTER_EXPIRY_MS = 1000; // data this long after the login token's expiry proves the re-auth

const AFTER_LOGIN = ['public data', 'private data', 're-auth'];

interface Tokens { login: string; refresh: string; rejected: string }

function report(operation: string, works: boolean, detail: string): void {
    console.log(JSON.stringify({ operation, works, detail }));
}

function notReached(operations: string[], why: string): void {
    for (const operation of operations) {
        report(operation, false, `not reached: ${why}`);
    }
}

async function attempt(operation: string, step: () => Promise<[boolean, string]>): Promise<boolean> {
    try {
        const [works, detail] = await step();
        report(operation, works, detail);
        return works;
    } catch (error) {
        if (!(error instanceof TimedOut)) throw error;
        report(operation, false, error.message);
        return false;
    }
}

async function loggedIn(url: string, tokens: Tokens, loginExpiresAt: number, timeoutMs: number): Promise<void> {
    const session = new MotifSession(timeoutMs);
    try {
        if (!await attempt('connect', async () => { await session.open(url); return [true, 'open']; })) {
            notReached(['auth', ...AFTER_LOGIN], 'no connection');
            return;
        }
        const online = await attempt('auth', async () => {
            const verdict = await session.authenticate(tokens.login);
            return [verdict.outcome === 'online', verdict.detail];
        });
        if (!online) {
            notReached(AFTER_LOGIN, 'Motif stops after an AuthToken reply it cannot take');
            return;
        }
        await attempt('public data', () => session.subscribe(PUBLIC.controller, PUBLIC.topic));
        await attempt('private data', () => session.subscribe(PRIVATE.controller, PRIVATE.topic));
        await attempt('re-auth', async () => {
            if (Date.now() >= loginExpiresAt) {
                return [false, 'the login token expired before the re-auth could be sent'];
            }
            const verdict = await session.authenticate(tokens.refresh);
            if (verdict.outcome !== 'online') {
                return [false, verdict.detail];
            }
            const until = loginExpiresAt + AFTER_EXPIRY_MS;
            await session.dataAfter(PUBLIC.controller, PUBLIC.topic, until, until - Date.now() + timeoutMs);
            return [true, `${verdict.detail}; data still flows after the login token expired`];
        });
    } finally {
        session.close();
    }
}

async function rejection(url: string, tokens: Tokens, timeoutMs: number): Promise<void> {
    const session = new MotifSession(timeoutMs);
    try {
        await attempt('rejection', async () => {
            await session.open(url);
            const verdict = await session.authenticate(tokens.rejected);
            return [verdict.outcome === 'rejected', verdict.detail];
        });
    } finally {
        session.close();
    }
}

async function main(): Promise<void> {
    const [url, loginExpiresAt, timeoutMs] = process.argv.slice(2);
    const tokens = JSON.parse(process.env.MOTIF_TOKENS ?? 'null') as Tokens | null;
    if (url === undefined || timeoutMs === undefined || tokens === null) {
        console.error('usage: MOTIF_TOKENS={"login","refresh","rejected"} node build/driver.js URL LOGIN_EXPIRES_AT_MS TIMEOUT_MS');
        process.exit(2);
    }
    installBrowserWebSocket();
    await loggedIn(url, tokens, Number(loginExpiresAt), Number(timeoutMs));
    await rejection(url, tokens, Number(timeoutMs));
}

main().catch((error: unknown) => {
    console.error(`driver: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
});
