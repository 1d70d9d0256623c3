// One connection as Motif makes it, from Motif's own files: ZenithWebsocket opens it, and
// AuthTokenMessageConvert builds each AuthToken request and parses its reply. What Motif does
// with a parsed reply lives in zenith-publisher.ts, which needs all of motif-core: authVerdict
// follows its processAuthFetchMessageReceived, step by step, and cites it.
import { ZenithProtocol } from './code/adi/publishers/zenith/physical-message/protocol/zenith-protocol';
import { AuthTokenMessageConvert } from './code/adi/publishers/zenith/physical-message/auth-token-message-convert';
import { ZenithWebsocket } from './code/adi/publishers/zenith/zenith-websocket';
import { ZenithDataError } from './code/sys';

type Message = ZenithProtocol.MessageContainer;
type Identify = ZenithProtocol.AuthController.Identify;

export interface AuthVerdict {
    outcome: 'online' | 'rejected' | 'failed';
    detail: string;
}

interface Waiter {
    accepts: (message: Message) => boolean;
    resolve: (message: Message) => void;
}

export class TimedOut extends Error {}

export class MotifSession {
    private readonly websocket = new ZenithWebsocket();
    private readonly convert = new AuthTokenMessageConvert();
    private readonly waiters = new Set<Waiter>();
    private closed: string | undefined;
    private nextTransactionId = 1; // Motif's counter starts at 1 (adi-publisher-request.ts)
    private nextWaitId = 1;

    constructor(private readonly timeoutMs: number) {
        this.websocket.messageEvent = (data) => { this.receive(data); };
        this.websocket.closeEvent = (code, reason) => { this.closed = `closed ${code} ${reason}`; };
        this.websocket.errorEvent = (type) => { this.closed = `socket ${type}`; };
    }

    /** Opens the socket as zenith-publisher.ts openSocket does; resolves once it is open. */
    open(url: string): Promise<void> {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                reject(new TimedOut(`no open within ${this.timeoutMs} ms (${this.closed ?? 'no event'})`));
            }, this.timeoutMs);
            this.websocket.openEvent = () => { clearTimeout(timer); resolve(); };
            this.websocket.open(url, this.nextWaitId++);
        });
    }

    close(): void {
        if (this.websocket.readyState === ZenithWebsocket.ReadyState.Open) {
            this.websocket.close(ZenithProtocol.WebSocket.CloseCode.Normal, 'NoReconnect');
        }
    }

    /** zenith-publisher.ts fetchOrUpdateAuth, then what it does with the reply. */
    async authenticate(accessToken: string): Promise<AuthVerdict> {
        const transactionId = this.nextTransactionId++;
        const request = this.convert.createMessage(
            transactionId, ZenithProtocol.AuthController.Provider.Bearer, accessToken);
        this.websocket.sendAuth(JSON.stringify(request), transactionId, this.nextWaitId++);
        // processZenithAuthMessageReceived: every Auth frame reaches the auth handler, which
        // takes the one of the last AuthToken's TransactionID.
        const reply = await this.next(
            (m) => m.Controller === ZenithProtocol.MessageContainer.Controller.Auth
                && m.TransactionID === this.websocket.lastAuthTransactionId,
            `the AuthToken reply (TransactionID ${transactionId})`);
        return this.authVerdict(reply);
    }

    /** A Sub as Motif sends it (Confirm: true); resolves with its confirmation and first data,
     * told apart as docs/facts/zenith.md § Message container reads zenith-publisher-subscription-manager.ts. */
    async subscribe(controller: ZenithProtocol.MessageContainer.Controller, topic: string): Promise<[boolean, string]> {
        const sub = ZenithProtocol.MessageContainer.Action.Sub;
        const same = (m: Message) => m.Controller === controller && m.Topic === topic;
        const refused = (m: Message) => same(m) && m.Action === ZenithProtocol.MessageContainer.Action.Error;
        const confirmed = this.next(
            (m) => (same(m) && m.Action === sub && m.Confirm === true) || refused(m),
            `the confirmation of Sub ${controller}/${topic}`);
        const data = this.next((m) => this.isData(m, controller, topic) || refused(m),
            `data of ${controller}/${topic}`);
        this.websocket.send(JSON.stringify({ Controller: controller, Topic: topic, Action: sub, Confirm: true }));
        const error = (await Promise.all([confirmed, data])).find(refused);
        return error === undefined
            ? [true, 'confirmed, and data came']
            : [false, `refused: Error ${JSON.stringify(error.Data)}`];
    }

    /** The next data frame of a subscription that arrives after `notBefore` (epoch ms). */
    async dataAfter(controller: string, topic: string, notBefore: number, waitMs: number): Promise<void> {
        await this.next((m) => Date.now() > notBefore && this.isData(m, controller, topic),
            `data of ${controller}/${topic} after the login token's expiry`, waitMs);
    }

    private isData(m: Message, controller: string, topic: string): boolean {
        return m.Controller === controller && m.Topic === topic && m.Action === undefined
            && m.TransactionID === undefined;
    }

    // zenith-publisher.ts processAuthFetchMessageReceived, minus its logging and state engine.
    private authVerdict(reply: Message): AuthVerdict {
        let identify: Identify;
        try {
            identify = this.convert.parseMessage(
                reply as ZenithProtocol.AuthController.AuthToken.PublishPayloadMessageContainer);
        } catch (error) {
            if (error instanceof ZenithDataError) {
                return { outcome: 'failed', detail: `Motif's parseMessage threw ${error.message}` };
            }
            throw error;
        }
        if (identify.Result === ZenithProtocol.AuthController.IdentifyResult.Rejected) {
            return { outcome: 'rejected', detail: 'Zenith Auth Fetch rejected.' };
        }
        if (identify.AccessToken === undefined) {
            return { outcome: 'failed', detail: 'Zenith Auth Fetch response missing access token. Stopping' };
        }
        const expiresIn = identify.ExpiresIn === undefined
            ? 'missing ExpiresIn: Motif warns and takes 3 minutes'
            : 'ExpiresIn given';
        return { outcome: 'online', detail: `online (Result ${String(identify.Result)}; ${expiresIn})` };
    }

    private receive(data: unknown): void {
        const message = JSON.parse(String(data)) as Message;
        for (const waiter of this.waiters) {
            if (waiter.accepts(message)) {
                this.waiters.delete(waiter);
                waiter.resolve(message);
            }
        }
    }

    private next(accepts: (m: Message) => boolean, what: string, waitMs = this.timeoutMs): Promise<Message> {
        return new Promise((resolve, reject) => {
            const waiter: Waiter = {
                accepts,
                resolve: (message) => { clearTimeout(timer); resolve(message); },
            };
            const timer = setTimeout(() => {
                this.waiters.delete(waiter);
                reject(new TimedOut(`timed out after ${waitMs} ms waiting for ${what}${this.closed ? ` (${this.closed})` : ''}`));
            }, waitMs);
            this.waiters.add(waiter);
        });
    }
}
