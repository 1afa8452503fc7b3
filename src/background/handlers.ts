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
  composerSendStatus,
} from './composing';
import { peersList } from './peers';
import { composerRestoreDraft, composerSaveDraft } from './drafts';
import { gmailArmor, gmailCompose, gmailDismiss, gmailSend } from './gmail';
import {
  ownKeyImport,
  ownKeyInspect,
  peerKeysImport,
  peerKeysInspect,
} from './key-import';
import { backupRecord } from './backup';
import {
  protectionDuration,
  protectionGet,
  protectionLock,
  protectionSet,
  unlockAsk,
} from './protection';
import {
  composerConfirm,
  promptAnswer,
  promptDescribe,
  promptUnlock,
  readerConfirm,
} from './confirm';
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
  'ownKey.inspect': ownKeyInspect,
  'ownKey.import': ownKeyImport,
  'peerKeys.inspect': peerKeysInspect,
  'peerKeys.import': peerKeysImport,
  'backup.record': backupRecord,
  'unlock.ask': unlockAsk,
  'protection.lock': protectionLock,
  'protection.get': protectionGet,
  'protection.set': protectionSet,
  'protection.duration': protectionDuration,
  'reader.confirm': readerConfirm,
  'composer.confirm': composerConfirm,
  'prompt.describe': promptDescribe,
  'prompt.unlock': promptUnlock,
  'prompt.answer': promptAnswer,
  'composer.sendStatus': composerSendStatus,
  'composer.saveDraft': composerSaveDraft,
  'composer.restoreDraft': composerRestoreDraft,
  'reader.progress': readerProgressHandler,
  'messages.opened': messagesOpened,
};
