// The prompt comparison panel's entry point (bundled to dist/webviews/promptCompare.js).
import { PromptCompareToWebview, type PromptCompareFromWebview } from './messages';
import { onExtensionMessage, postToExtension } from '../common/vscodeApi';
import './view';
import type { PromptCompareView } from './view';

const view = document.createElement('prompt-compare-view') as PromptCompareView;
view.send = (message: PromptCompareFromWebview) => postToExtension(message);
(document.getElementById('root') ?? document.body).appendChild(view);
onExtensionMessage(PromptCompareToWebview, (message) => view.receive(message));
postToExtension<PromptCompareFromWebview>({ type: 'promptCompare/ready' });
