// The spellings of "where requests go" each field accepts, as the components resolve them.

import type { AddressForms } from './param';

/** A client's, a cache's or a worker's destination: an endpoint, a database, a cache or a balancer. */
export const REQUEST_TARGET: AddressForms = { rolePrimary: false, endpoint: true, bareDatabase: true, proxies: true };
/** An endpoint's record. */
export const ENDPOINT_RECORD: AddressForms = { rolePrimary: true, endpoint: false, bareDatabase: false };
/** Where a repoint fault points an endpoint. */
export const ENDPOINT_REPOINT: AddressForms = { rolePrimary: true, endpoint: false, bareDatabase: true };
