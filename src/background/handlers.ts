/** The table of every request handler. */
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

export const handlers: HandlerTable = {
  'account.status': accountStatus,
  'account.create': accountCreate,
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
};
