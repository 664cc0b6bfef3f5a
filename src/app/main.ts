import { mount } from 'svelte';
import './theme.css';
import App from './App.svelte';
import { installExportHook } from './export/hook';

mount(App, { target: document.getElementById('app')! });
// `npm run export` drives the page through this (only with ?export in the address).
installExportHook();
