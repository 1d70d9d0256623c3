// Stand-in for @pbkware/js-utils (not on this machine): the Motif files use only its Integer type.
export type Integer = number;
