// Stand-in for motif-core's src/code/sys: what auth-token-message-convert.ts imports from it.
export function defined<T>(value: T | undefined | null): value is T {
    return value !== undefined && value !== null;
}

export enum ErrorCode {
    ACATPMC298431 = 'ACATPMC298431', // reply Controller is not Auth
    ACATPMT377521 = 'ACATPMT377521', // reply Topic is not AuthToken
    ACATPMA23964 = 'ACATPMA23964', // reply Action is Error
    ACATPMD29984 = 'ACATPMD29984', // reply has no Data
}

export class ZenithDataError extends Error {
    constructor(readonly code: ErrorCode, detail: string) {
        super(`${code}: ${detail}`);
    }
}
