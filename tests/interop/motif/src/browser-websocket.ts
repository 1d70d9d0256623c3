// What a browser gives Motif's zenith-websocket.ts and Node 20 lacks: a global WebSocket whose
// listeners get DOM events (`ev instanceof MessageEvent`, `ev instanceof CloseEvent`), here made
// over the ws package. Node 20 has a global Event, EventTarget and MessageEvent, not CloseEvent.
import { WebSocket as NodeWebSocket } from 'ws';

const ABNORMAL_CLOSURE = 1006; // RFC 6455 §7.4.1: no close frame came

class NodeCloseEvent extends Event {
    readonly code: number;
    readonly reason: string;
    readonly wasClean: boolean;

    constructor(type: string, init: CloseEventInit = {}) {
        super(type);
        this.code = init.code ?? 0;
        this.reason = init.reason ?? '';
        this.wasClean = init.wasClean ?? false;
    }
}

class BrowserWebSocket extends EventTarget {
    private readonly socket: NodeWebSocket;

    constructor(url: string, protocols?: string | string[]) {
        super();
        this.socket = new NodeWebSocket(url, protocols);
        this.socket.on('open', () => this.dispatchEvent(new Event('open')));
        this.socket.on('message', (data, isBinary) => {
            this.dispatchEvent(new MessageEvent('message', { data: isBinary ? data : data.toString() }));
        });
        this.socket.on('close', (code, reason) => {
            const wasClean = code !== ABNORMAL_CLOSURE;
            this.dispatchEvent(new CloseEvent('close', { code, reason: reason.toString(), wasClean }));
        });
        this.socket.on('error', () => this.dispatchEvent(new Event('error')));
    }

    get readyState(): number {
        return this.socket.readyState;
    }

    send(data: string): void {
        this.socket.send(data);
    }

    close(code?: number, reason?: string): void {
        this.socket.close(code, reason);
    }
}

export function installBrowserWebSocket(): void {
    Object.assign(globalThis, {
        WebSocket: BrowserWebSocket,
        CloseEvent: globalThis.CloseEvent ?? NodeCloseEvent,
    });
}
