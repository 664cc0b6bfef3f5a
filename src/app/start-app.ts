// The app itself, loaded by the page's entry (main.ts) once it has started the worker.
import { mount } from 'svelte';
import './theme.css';
import App from './App.svelte';
import { installExportHook } from './export/hook';

const target = document.getElementById('app')!;
// The note index.html shows while this code arrives.
target.replaceChildren();
mount(App, { target });
// `npm run export` drives the page through this (only with ?export in the address).
installExportHook();
