/** The table of every request handler. */
import { exportPublicKey, settingsGet, settingsSet } from './settings';
import {
  setupMessageCreate,
  setupMessageImport,
  setupMessageInspect,
  setupMessageSend,
} from './setup-message';
import type { HandlerTable } from './context';
import { accountCreate, accountStatus } from './account';
import { messageOpened, readerDecrypt, readerDescribe } from './reading';
import {
  composerOpen,
  composerRecommend,
  composerRegister,
  composerSend,
} from './composing';
import { peersList } from './peers';
import { gmailArmor, gmailCompose, gmailDismiss, gmailSend } from './gmail';
import { readerProgressHandler } from './progress';
import { messagesOpened } from './opened-batch';

export const handlers: HandlerTable = {
  'account.status': accountStatus,
  'account.create': accountCreate,
  'account.exportPublicKey': exportPublicKey,
  'settings.get': settingsGet,
  'settings.set': settingsSet,
  'setupMessage.create': setupMessageCreate,
  'setupMessage.send': setupMessageSend,
  'setupMessage.inspect': setupMessageInspect,
  'setupMessage.import': setupMessageImport,
  'message.opened': messageOpened,
  'reader.describe': readerDescribe,
  'reader.decrypt': readerDecrypt,
  'composer.register': composerRegister,
  'composer.open': composerOpen,
  'composer.recommend': composerRecommend,
  'composer.send': composerSend,
  'peers.list': peersList,
  'gmail.compose': gmailCompose,
  'gmail.armor': gmailArmor,
  'gmail.dismiss': gmailDismiss,
  'gmail.send': gmailSend,
  'reader.progress': readerProgressHandler,
  'messages.opened': messagesOpened,
};
