// Stand-in for motif-core's common Zenith types: zenith-protocol.ts uses them as types only.
export namespace ZenithProtocolCommon {
    export namespace Symbol {
        export type Alternates = Record<string, string>;
        export type KnownAlternateKey = string;
        export type Attributes = Record<string, string>;
        export type KnownAttributeKey = string;
    }
    export type NotificationChannelSettings = object;
    export type NotificationDistributionMethodMetadata = object;
    export type UserMetadata = Record<string, string>;
}

export namespace ZenithEncodedScanFormula {
    export type BooleanTupleNode = unknown[];
    export type NumericTupleNode = unknown[];
}
