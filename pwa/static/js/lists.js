// The first page of each list: one URL, shared by the screens (home, library, tasks,
// inbox, task picker) and the offline warm-up, because the service worker keys its copies
// by URL: the copy the device keeps is then exactly the one a screen asks for offline.
export const LISTS = {
  documents: "/documents?limit=20",
  tasks: "/assignments?scope=mine&limit=50",
  notifications: "/notifications?limit=30",
};
