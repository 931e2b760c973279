// The freeze map webview's entry point (bundled to dist/webviews/freezeMap.js).
import { FreezeMapToWebview, type FreezeMapFromWebview } from './messages';
import { onExtensionMessage, postToExtension } from '../common/vscodeApi';
import './view';
import type { FreezeMapView } from './view';

const view = document.createElement('freeze-map-view') as FreezeMapView;
view.send = (message: FreezeMapFromWebview) => postToExtension(message);
(document.getElementById('root') ?? document.body).appendChild(view);
onExtensionMessage(FreezeMapToWebview, (message) => view.receive(message));
postToExtension<FreezeMapFromWebview>({ type: 'freezeMap/ready' });
