// The ranking side panel's entry point (bundled to dist/webviews/ranking.js).
import { RankingToWebview, type RankingFromWebview } from './messages';
import { onExtensionMessage, postToExtension } from '../common/vscodeApi';
import './view';
import type { RankingView } from './view';

const view = document.createElement('ranking-view') as RankingView;
view.send = (message: RankingFromWebview) => postToExtension(message);
(document.getElementById('root') ?? document.body).appendChild(view);
onExtensionMessage(RankingToWebview, (message) => view.receive(message));
postToExtension<RankingFromWebview>({ type: 'ranking/ready' });
