import type { Branding } from '../../src/branding/jitsi-branding.js';

/** A group's branding with every field set (the config's `branding`). */
export const FULL_BRANDING: Branding = {
  appName: 'NE3D Blender Meet',
  logoUrl: 'https://ne3d.org/logo.svg',
  websiteUrl: 'https://ne3d.org/',
  primaryColor: '#e87d0d',
  backgroundColor: '#232323',
  welcomeText: 'Monthly meetups of the North-East 3D group',
};
