/** Redis leases the batch's workers share (the start lane, each polling round): a key holding its holder's token. */

/** Extends the lease (KEYS[1]) to ARGV[2] ms if ARGV[1] still holds it; 0 when another holds it now. */
export const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** Gives the lease (KEYS[1]) up if ARGV[1] still holds it. */
export const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
