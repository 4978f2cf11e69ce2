export * from './client.js';
export { bulkRead, type BulkReadOptions, type BulkReadProgress } from './bulk-read.js';
export { RequestChannel, type RequestOptions, type ReplyCollector } from './request-channel.js';
export { replyError, expectReply } from './reply-errors.js';
