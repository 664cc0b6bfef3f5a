// The player itself, loaded by its entry (main.ts) once the worker is started.
import { mount } from 'svelte';
import '../app/theme.css';
import Player from './Player.svelte';

mount(Player, { target: document.getElementById('player')! });
