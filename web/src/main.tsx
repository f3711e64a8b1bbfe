import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
// antd's prebuilt styles (zero-runtime mode, see App.tsx): one stylesheet the browser parses once,
// instead of styles generated in JavaScript for each component on its first render.
import 'antd/dist/antd.css';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
